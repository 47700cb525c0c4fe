/**
 * Scenario 5: the SDK Agent (child process) performs its side effect, records the completion in its
 * durable activity buffer, and is SIGKILLed before AckDelivery; the server is SIGKILLed too and both
 * restart on their data dirs. The redelivered message (same seq) must be recognised by its idempotency
 * token: the side effect is not repeated, the delivery is acked (router queue empty), and a second,
 * late AckDelivery for the same seq is refused (recorded=false).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AckStage, EnvelopeFactory, MessageType } from "@sw4rm/protocol";
import { registerAgents } from "../support/agents.js";
import { routerClient } from "../support/grpc.js";
import { makeTempDir } from "../support/tempDir.js";
import { type Fixture, runFixture } from "./support/fixtures.js";
import { type Card, crashScenario } from "./support/scorecard.js";
import { CrashServer, reservePorts, until } from "./support/server.js";
import { ackDelivery, send } from "./support/wire.js";

type Event = { event: string; seq?: string; messageId?: string; token?: string; recorded?: boolean; message?: string };

const events = (f: Fixture): Event[] =>
  f
    .lines()
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Event);

crashScenario(5, { timeoutMs: 90_000 }, async (card: Card) => {
  const dir = makeTempDir("sw4rm-crash5-");
  card.defer(() => dir.cleanup());
  const server = new CrashServer({ dataDir: join(dir.path, "server"), ports: await reservePorts() });
  card.defer(() => server.dispose());
  await server.start();
  await registerAgents(server.registry, "producer");

  const agentDir = join(dir.path, "agent");
  const effectLog = join(dir.path, "effects.log");
  const fixtureEnv = { ROUTER: server.router, REGISTRY: server.registry, DATA_DIR: agentDir, EFFECT_LOG: effectLog };
  const effects = (token: string) =>
    existsSync(effectLog)
      ? readFileSync(effectLog, "utf8")
          .split("\n")
          .filter((l) => l !== "" && (JSON.parse(l) as { token: string }).token === token).length
      : 0;

  const first = runFixture("consumerAgent.ts", [], { ...fixtureEnv, KILL_BEFORE_ACK: "1" });
  card.defer(() => first.kill9());
  await first.waitFor((l) => l.includes('"event":"ready"'));

  const token = `crash-5-${Date.now()}`;
  const envelope = new EnvelopeFactory({ producerId: "producer" }).create({
    messageType: MessageType.DATA,
    payload: "do the thing once",
    idempotencyToken: token,
  });
  const producer = routerClient(server.router);
  card.defer(() => producer.close());
  const res = await send(producer, envelope, "consumer");
  card.require(res.accepted, `message accepted (${res.reason})`);

  await first.waitFor((l) => l.includes('"event":"dying-before-ack"'));
  const exit = await first.exited();
  card.require(exit.signal === "SIGKILL", `the consumer died of SIGKILL before acking (got ${JSON.stringify(exit)})`);
  const delivered1 = events(first).find((e) => e.event === "delivered" && e.messageId === envelope.messageId);
  card.require(delivered1?.seq, "first delivery seen by the consumer");
  card.require(effects(token) === 1, `the side effect happened once before the kill (log has ${effects(token)})`);
  const activity = JSON.parse(readFileSync(join(agentDir, "consumer.activity.json"), "utf8")) as {
    records: Record<string, { ackStage: number; dedupKey: string }>;
  };
  card.require(
    activity.records[envelope.messageId]?.ackStage === AckStage.FULFILLED,
    `the completion record (FULFILLED) was durable before the kill (stage ${activity.records[envelope.messageId]?.ackStage})`,
  );
  card.require((await server.queueDepth("consumer")) >= 1, "the delivery is still un-acked at the router");

  // The server goes down hard too; both come back on their data dirs.
  await server.kill9();
  await server.start();
  const second = runFixture("consumerAgent.ts", [], fixtureEnv);
  card.defer(() => second.kill9());
  await second.waitFor((l) => l.includes('"event":"ready"'));
  const ackedLine = await second.waitFor(
    (l) => l.includes('"event":"acked"') && l.includes(envelope.messageId),
    30_000,
  );
  const acked = JSON.parse(ackedLine) as Event;
  const evs = events(second);
  const redelivered = evs.find((e) => e.event === "delivered" && e.messageId === envelope.messageId);

  card.check(redelivered?.seq === delivered1.seq, `redelivered with the same seq (${delivered1.seq} → ${redelivered?.seq})`);
  card.check(
    evs.some((e) => e.event === "log" && e.message === "duplicate of a completed operation: re-sending its ACK"),
    "the agent recognised the redelivery by its idempotency token (replayed the recorded outcome)",
  );
  card.check(!evs.some((e) => e.event === "effect"), "the handler did not run again");
  card.check(effects(token) === 1, `the side effect is in the effect log exactly once (${effects(token)})`);
  card.check(acked.recorded === true, `the ack of seq ${acked.seq} is recorded by the router`);
  const depth = await until(
    async () => ((await server.queueDepth("consumer")) === 0 ? 0 : undefined),
    "consumer queue empty",
  ).catch(() => -1);
  card.check(depth === 0, "the router's queue for the consumer is empty (delivery settled)");
  const late = await ackDelivery(producer, "consumer", BigInt(delivered1.seq), envelope.messageId);
  card.check(late === false, `a second, late AckDelivery for seq ${delivered1.seq} is refused (recorded=${late})`);
  card.note(`seq ${delivered1.seq}: effect once, completion FULFILLED before the kill, replayed after consumer+server SIGKILL`);
  second.child.kill("SIGTERM");
  await second.exited();
});
