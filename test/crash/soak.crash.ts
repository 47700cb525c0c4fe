/**
 * Scenario 6 (soak): PRODUCERS producers send TOTAL messages with idempotency tokens; a failed or
 * refused attempt is retried (EnvelopeFactory.retry: new message_id, same token) until the router
 * answers accepted=true or DUPLICATE_DETECTED / ALREADY_IN_PROGRESS (an earlier attempt was stored).
 * Meanwhile the server is SIGKILLed at random moments (at least MIN_KILLS times, spread over the run)
 * and restarted on the same data dir and ports. The consumer applies effects once per token into a
 * durable log (fsync before ack). Afterwards the log must hold every sent message exactly once.
 */
import { join } from "node:path";
import { credentials, type ServiceError } from "@grpc/grpc-js";
import { type Envelope, EnvelopeFactory, GrpcStatus, MessageType, RouterServiceClient } from "@sw4rm/protocol";
import { registerAgents } from "../support/agents.js";
import { makeTempDir } from "../support/tempDir.js";
import { type Card, crashScenario } from "./support/scorecard.js";
import { CrashServer, reservePorts, until } from "./support/server.js";
import { SoakConsumer } from "./support/soakConsumer.js";
import { FAST_RECONNECT, sendWithDeadline } from "./support/wire.js";

const TOTAL = 20_000;
const PRODUCERS = 4;
const IN_FLIGHT_PER_PRODUCER = 24;
const MIN_KILLS = 6;
/** Give up (scenario error) when the run has not finished by then. */
const RUN_BUDGET_MS = 200_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ProducerStats {
  accepted: number;
  duplicates: number;
  retries: number;
  failures: Map<string, number>;
}

crashScenario(6, { timeoutMs: RUN_BUDGET_MS + 60_000 }, async (card: Card) => {
  const dir = makeTempDir("sw4rm-crash6-");
  card.defer(() => dir.cleanup());
  const server = new CrashServer({
    dataDir: join(dir.path, "data"),
    ports: await reservePorts(),
    logLevel: "warn",
    // Buffer room for the whole run: this scenario measures durability, not back-pressure.
    config: { router: { options: { inboundBufferCapacity: TOTAL * 2 } } },
  });
  card.defer(() => server.dispose());
  await server.start();
  const producerIds = Array.from({ length: PRODUCERS }, (_, i) => `soak-p${i}`);
  await registerAgents(server.registry, "soak-sink", ...producerIds);

  const effectLog = join(dir.path, "effects.log");
  const consumer = new SoakConsumer(server.router, "soak-sink", effectLog);
  card.defer(() => consumer.stop());
  consumer.start();

  // Kill points: one random threshold of confirmed sends in each of MIN_KILLS equal slices of 5%..85%
  // of the run (random but spread, so every kill has sends left to land in), each followed by a random
  // delay, so kills hit unrelated moments of sending, delivering and acking.
  const slice = 0.8 / MIN_KILLS;
  const killAt = Array.from({ length: MIN_KILLS }, (_, k) =>
    Math.floor(TOTAL * (0.05 + slice * (k + Math.random()))),
  );
  let confirmed = 0;
  let killing: Promise<void> | undefined;
  const downtimes: number[] = [];
  const maybeKill = () => {
    if (killing || killAt.length === 0 || confirmed < (killAt[0] ?? Number.POSITIVE_INFINITY)) return;
    killAt.shift();
    killing = (async () => {
      await sleep(Math.random() * 250);
      await server.kill9();
      const down = Date.now();
      await server.start();
      downtimes.push(Date.now() - down);
    })().finally(() => {
      killing = undefined;
    });
  };

  const deadline = Date.now() + RUN_BUDGET_MS;
  const started = Date.now();
  const stats: ProducerStats = { accepted: 0, duplicates: 0, retries: 0, failures: new Map() };
  const fail = (what: string) => stats.failures.set(what, (stats.failures.get(what) ?? 0) + 1);

  const deliverOne = async (client: RouterServiceClient, factory: EnvelopeFactory, token: string, i: number) => {
    let envelope: Envelope = factory.create({ messageType: MessageType.DATA, payload: `soak ${i}`, idempotencyToken: token });
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        if (Date.now() > deadline) throw new Error(`${token}: not stored after ${attempt} attempts within the budget`);
        await sleep(Math.min(1_000, 50 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2));
        envelope = factory.retry(envelope);
        stats.retries++;
      }
      try {
        const res = await sendWithDeadline(client, envelope, "soak-sink", 5_000);
        if (res.accepted) stats.accepted++;
        else if (/^(DUPLICATE_DETECTED|ALREADY_IN_PROGRESS)\b/.test(res.reason)) stats.duplicates++;
        else {
          fail(`refused ${res.reason.split(":")[0]}`);
          continue;
        }
        confirmed++;
        maybeKill();
        return;
      } catch (error) {
        const code = (error as ServiceError).code;
        fail(code === undefined ? String(error) : (GrpcStatus[code] ?? `grpc ${code}`));
      }
    }
  };

  await Promise.all(
    producerIds.map(async (pid, p) => {
      const client = new RouterServiceClient(server.router, credentials.createInsecure(), FAST_RECONNECT);
      const factory = new EnvelopeFactory({ producerId: pid });
      const share = Math.floor(TOTAL / PRODUCERS) + (p < TOTAL % PRODUCERS ? 1 : 0);
      let next = 0;
      try {
        await Promise.all(
          Array.from({ length: IN_FLIGHT_PER_PRODUCER }, async () => {
            while (next < share) {
              const i = next++;
              await deliverOne(client, factory, `${pid}-${i}`, i);
            }
          }),
        );
      } finally {
        client.close();
      }
    }),
  );
  const sendMs = Date.now() - started;
  await killing;
  card.require(server.kills >= MIN_KILLS, `the server was SIGKILLed at least ${MIN_KILLS} times (${server.kills})`);

  // Let the consumer catch up (its reconnects and the router's redeliveries after the last kill).
  await until(
    async () => (consumer.applied >= TOTAL ? true : undefined),
    `the consumer to apply ${TOTAL} effects (has ${consumer.applied})`,
    Math.max(30_000, deadline - Date.now()),
  ).catch(() => undefined);
  const totalMs = Date.now() - started;
  const drained = await until(
    async () => ((await server.queueDepth("soak-sink")) === 0 ? true : undefined),
    "the sink's queue to drain",
    15_000,
  ).catch(() => false);
  await consumer.stop();
  // Still queued at the router = the consumer ran out of time, not a lost message: not measurable.
  card.require(
    consumer.applied >= TOTAL || drained,
    `the consumer caught up within the budget (${consumer.applied} of ${TOTAL} applied, router queue not drained)`,
  );

  const log = SoakConsumer.read(effectLog);
  const expected = new Set(producerIds.flatMap((pid, p) => {
    const share = Math.floor(TOTAL / PRODUCERS) + (p < TOTAL % PRODUCERS ? 1 : 0);
    return Array.from({ length: share }, (_, i) => `${pid}-${i}`);
  }));
  const missing = [...expected].filter((t) => !log.has(t)).length;
  const twice = [...log.values()].filter((n) => n > 1).length;
  const unknown = [...log.keys()].filter((t) => !expected.has(t)).length;
  const c = consumer.stats;
  card.note(
    `${TOTAL} messages from ${PRODUCERS} producers in ${(totalMs / 1000).toFixed(1)} s (sending ${(sendMs / 1000).toFixed(1)} s, ` +
      `${Math.round(TOTAL / (totalMs / 1000))} msg/s); ${server.kills} SIGKILLs, restart ${Math.min(...downtimes)}-${Math.max(...downtimes)} ms`,
  );
  card.note(
    `producers: ${stats.accepted} accepted, ${stats.duplicates} answered DUPLICATE/IN_PROGRESS for an earlier attempt, ${stats.retries} retries (` +
      `${[...stats.failures].map(([k, v]) => `${k}: ${v}`).join(", ") || "none"})`,
  );
  card.note(
    `consumer: ${c.deliveries} deliveries, ${c.redeliveries} redeliveries of a seen seq, ${c.suppressed} duplicate effects suppressed by token, ` +
      `${c.ackFailures} acks lost, ${c.streams} stream connections; queue drained: ${drained}`,
  );
  card.check(missing === 0, `every sent message is in the effect log (missing ${missing} of ${TOTAL})`);
  card.check(twice === 0, `no message applied twice (${twice} tokens more than once)`);
  card.check(unknown === 0, `nothing in the effect log that was not sent (${unknown})`);
});
