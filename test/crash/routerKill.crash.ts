/**
 * Scenario 1: the router is SIGKILLed from inside the callback of an accepted=true response, while
 * more SendMessage calls are in flight. After a restart on the same data dir every message that was
 * answered accepted=true is delivered, byte for byte; nothing the producer never sent appears.
 */
import { join } from "node:path";
import { EnvelopeFactory, MessageType, type RouterServiceClient } from "@sw4rm/protocol";
import { registerAgents } from "../support/agents.js";
import { routerClient } from "../support/grpc.js";
import { openIncoming } from "../support/stream.js";
import { makeTempDir } from "../support/tempDir.js";
import { type Card, crashScenario } from "./support/scorecard.js";
import { CrashServer, reservePorts } from "./support/server.js";
import { ackDelivery, encodeEnvelope, send, sameBytes } from "./support/wire.js";

const WORKERS = 32;
const MAX_SENDS = 5_000;
const KILL_AT_ACCEPTED = 300;

crashScenario(1, { timeoutMs: 90_000 }, async (card: Card) => {
  const dir = makeTempDir("sw4rm-crash1-");
  card.defer(() => dir.cleanup());
  // A buffer large enough for the burst: this scenario is about durability, not back-pressure.
  const server = new CrashServer({
    dataDir: join(dir.path, "data"),
    ports: await reservePorts(),
    config: { router: { options: { inboundBufferCapacity: 10_000 } } },
  });
  card.defer(() => server.dispose());
  await server.start();
  await registerAgents(server.registry, "producer", "consumer");

  const factory = new EnvelopeFactory({ producerId: "producer" });
  const sent = new Map<string, Uint8Array>();
  const accepted = new Set<string>();
  let acceptedAfterKill = 0;
  let refused = 0;
  let firstRefusal: string | undefined;
  let firstFailure: string | undefined;
  let failed = 0;
  let killed: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  const producer: RouterServiceClient = routerClient(server.router);
  card.defer(() => producer.close());
  // WORKERS producers send back to back, so calls are in flight at every moment, also at the kill.
  let next = 0;
  const sendOne = async (i: number): Promise<boolean> => {
    const env = factory.create({ messageType: MessageType.DATA, payload: `crash-1 message ${i}` });
    sent.set(env.messageId, encodeEnvelope(env));
    try {
      const res = await send(producer, env, "consumer");
      if (!res.accepted) {
        refused++;
        firstRefusal ??= res.reason;
        return true;
      }
      accepted.add(env.messageId);
      if (killed) acceptedAfterKill++;
      // "Right after accepted=true": SIGKILL from inside the response callback, before anything else runs.
      else if (accepted.size === KILL_AT_ACCEPTED) killed = server.killNow();
      return true;
    } catch (error) {
      failed++;
      firstFailure ??= String(error);
      return false;
    }
  };
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (next < MAX_SENDS && (await sendOne(next++)));
    }),
  );
  card.require(
    killed !== undefined,
    `the server was killed (only ${accepted.size} of ${sent.size} sends accepted; first refusal: ${firstRefusal}; first failure: ${firstFailure})`,
  );
  const exit = await killed;
  card.require(exit.signal === "SIGKILL", `the server died of SIGKILL (got ${JSON.stringify(exit)})`);
  card.note(
    `${accepted.size} accepted (${acceptedAfterKill} answered after kill() was issued), ${failed} failed in flight, ${refused} refused`,
  );

  await server.start();
  const consumer = routerClient(server.router);
  card.defer(() => consumer.close());
  const inbox = openIncoming(consumer, "consumer");
  card.defer(() => inbox.close());
  const delivered = new Map<string, Uint8Array>();
  const deadline = Date.now() + 30_000;
  while ([...accepted].some((id) => !delivered.has(id)) && Date.now() < deadline) {
    let item;
    try {
      item = await inbox.next(Math.max(1, deadline - Date.now()));
    } catch {
      break;
    }
    const msg = item.msg;
    if (!msg) continue;
    if (msg.messageType === MessageType.DATA) delivered.set(msg.messageId, encodeEnvelope(msg));
    card.require(await ackDelivery(consumer, "consumer", item.seq, msg.messageId), `ack of seq ${item.seq} recorded`);
  }
  const missing = [...accepted].filter((id) => !delivered.has(id));
  const unknown = [...delivered.keys()].filter((id) => !sent.has(id));
  const altered = [...delivered].filter(([id, bytes]) => sent.has(id) && !sameBytes(sent.get(id) ?? new Uint8Array(), bytes));
  const extra = [...delivered.keys()].filter((id) => !accepted.has(id) && sent.has(id)).length;
  card.note(`${delivered.size} delivered after restart (${extra} of them unconfirmed in-flight sends)`);
  card.check(missing.length === 0, `all ${accepted.size} accepted messages delivered after restart (missing ${missing.length})`);
  card.check(unknown.length === 0, `no message the producer never sent (${unknown.length})`);
  card.check(altered.length === 0, `delivered envelopes byte-identical to the sent ones (${altered.length} differ)`);
});
