/**
 * Scenario 2: a consumer takes deliveries and goes away without acking. When it reconnects, and again
 * after the server was SIGKILLed and restarted on the same data dir, every un-acked item comes back
 * with the same seq and a byte-identical envelope (compared on the wire bytes, not re-encoded), and
 * the acked one does not come back.
 */
import { join } from "node:path";
import { EnvelopeFactory, MessageType } from "@sw4rm/protocol";
import { registerAgents } from "../support/agents.js";
import { routerClient } from "../support/grpc.js";
import { makeTempDir } from "../support/tempDir.js";
import { type Card, crashScenario } from "./support/scorecard.js";
import { CrashServer, reservePorts } from "./support/server.js";
import { ackDelivery, encodeEnvelope, RawIncoming, type RawItem, sameBytes, send } from "./support/wire.js";

const MESSAGES = 3;

/** Reads until every seq in `want` arrived (or `ms` passed); returns what arrived by seq. */
async function collect(inbox: RawIncoming, want: ReadonlySet<bigint>, ms: number): Promise<Map<bigint, RawItem>> {
  const got = new Map<bigint, RawItem>();
  const deadline = Date.now() + ms;
  while ([...want].some((s) => !got.has(s)) && Date.now() < deadline) {
    try {
      const item = await inbox.next(Math.max(1, deadline - Date.now()));
      got.set(item.seq, item);
    } catch {
      break;
    }
  }
  return got;
}

function compare(card: Card, label: string, first: ReadonlyMap<bigint, RawItem>, again: ReadonlyMap<bigint, RawItem>, acked: bigint) {
  const unacked = [...first.keys()].filter((s) => s !== acked);
  const missing = unacked.filter((s) => !again.has(s));
  card.check(missing.length === 0, `${label}: every un-acked seq redelivered (missing seq ${missing.join(",") || "none"})`);
  const differing = unacked.filter((s) => {
    const a = first.get(s);
    const b = again.get(s);
    return !a || !b || !sameBytes(a.envelopeBytes, b.envelopeBytes);
  });
  card.check(differing.length === 0, `${label}: redelivered envelopes byte-identical (differ: ${differing.join(",") || "none"})`);
  card.check(!again.has(acked), `${label}: the acked seq ${acked} is not redelivered`);
}

crashScenario(2, { timeoutMs: 60_000 }, async (card: Card) => {
  const dir = makeTempDir("sw4rm-crash2-");
  card.defer(() => dir.cleanup());
  const server = new CrashServer({ dataDir: join(dir.path, "data"), ports: await reservePorts() });
  card.defer(() => server.dispose());
  await server.start();
  await registerAgents(server.registry, "producer", "consumer");

  const factory = new EnvelopeFactory({ producerId: "producer" });
  const producer = routerClient(server.router);
  const sent = new Map<string, Uint8Array>();
  for (let i = 0; i < MESSAGES; i++) {
    const env = factory.create({ messageType: MessageType.DATA, payload: `crash-2 message ${i}`, idempotencyToken: `c2-${i}` });
    const res = await send(producer, env, "consumer");
    card.require(res.accepted, `message ${i} accepted (${res.reason})`);
    sent.set(env.messageId, encodeEnvelope(env));
  }
  producer.close();

  // First connection: take every delivery (our messages and any registry notices), ack only the first DATA.
  const inbox1 = new RawIncoming(server.router, "consumer");
  card.defer(() => inbox1.close());
  const first = new Map<bigint, RawItem>();
  const deadline = Date.now() + 15_000;
  while ([...first.values()].filter((i) => i.envelope.messageType === MessageType.DATA).length < MESSAGES) {
    card.require(Date.now() < deadline, `all ${MESSAGES} messages delivered on the first connection`);
    const item = await inbox1.next(Math.max(1, deadline - Date.now()));
    first.set(item.seq, item);
  }
  const data = [...first.values()].filter((i) => i.envelope.messageType === MessageType.DATA);
  for (const d of data) {
    card.require(
      sameBytes(d.envelopeBytes, sent.get(d.envelope.messageId) ?? new Uint8Array()),
      `first delivery of seq ${d.seq} carries the producer's bytes`,
    );
  }
  const ackedItem = data[0];
  card.require(ackedItem, "a delivered DATA item to ack");
  const admin = routerClient(server.router);
  card.require(await ackDelivery(admin, "consumer", ackedItem.seq, ackedItem.envelope.messageId), "first ack recorded");
  admin.close();
  inbox1.close(); // disconnect with the rest un-acked
  const want = new Set([...first.keys()].filter((s) => s !== ackedItem.seq));
  card.note(`${first.size} items delivered (seq ${[...first.keys()].join(",")}), seq ${ackedItem.seq} acked`);

  const inbox2 = new RawIncoming(server.router, "consumer");
  card.defer(() => inbox2.close());
  const second = await collect(inbox2, want, 15_000);
  inbox2.close();
  compare(card, "reconnect", first, second, ackedItem.seq);

  await server.kill9();
  await server.start();
  const inbox3 = new RawIncoming(server.router, "consumer");
  card.defer(() => inbox3.close());
  const third = await collect(inbox3, want, 15_000);
  compare(card, "after SIGKILL + restart", first, third, ackedItem.seq);

  // Settle them; a repeated ack of a settled seq is refused (recorded=false).
  const client = routerClient(server.router);
  card.defer(() => client.close());
  for (const s of want) {
    const item = third.get(s);
    if (item) card.require(await ackDelivery(client, "consumer", s, item.envelope.messageId), `ack of seq ${s} recorded`);
  }
  card.check((await server.queueDepth("consumer")) === 0, "queue empty once every redelivered item is acked");
  card.note(`${want.size} un-acked items came back twice with the same seq and bytes`);
});
