/**
 * Scenario 4: a corrupt store file. The server holds state (agents, a queued message), is SIGKILLed,
 * and then one store file at a time is damaged: a garbage header while the WAL still holds the data
 * (right after the kill), and, after a clean checkpoint, a torn b-tree page and a truncated file. For
 * every case `sw4rm up` must exit non-zero before its readiness line with an error naming the file,
 * and leave the file byte for byte as it was (never "repair" by starting empty). The SDK's JSON
 * activity store gets the same treatment. Finally the undamaged data dir still starts and delivers.
 */
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EnvelopeFactory, MessageType } from "@sw4rm/protocol";
import { type ActivityRecord, JsonFileStore, PersistentActivityBuffer } from "@sw4rm/sdk";
import { registerAgents } from "../support/agents.js";
import { routerClient } from "../support/grpc.js";
import { openIncoming } from "../support/stream.js";
import { makeTempDir } from "../support/tempDir.js";
import { type Card, crashScenario } from "./support/scorecard.js";
import { CrashServer, type Ports, reservePorts } from "./support/server.js";
import { ackDelivery, send } from "./support/wire.js";

const STORE_FILES = ["router.sqlite", "registry.sqlite", "scheduler.sqlite"] as const;

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

type Damage = (file: string) => void;

const DAMAGE: Readonly<Record<string, Damage>> = {
  "garbage header": (file) => {
    const bytes = readFileSync(file);
    bytes.fill(0x5a, 0, 100);
    writeFileSync(file, bytes);
  },
  "torn page 2": (file) => {
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
    bytes.fill(0xa5, pageSize, Math.min(bytes.length, pageSize + 1024));
    writeFileSync(file, bytes);
  },
  truncated: (file) => {
    const size = readFileSync(file).length;
    truncateSync(file, Math.floor(size / 2) + 100);
  },
};

/** Copies `snapshot` to a fresh dir, damages `name` there and tries to start a server on it. */
async function refusesToStart(
  card: Card,
  root: string,
  ports: Ports,
  snapshot: string,
  name: string,
  damage: string,
): Promise<void> {
  const label = `${name} (${damage})`;
  const dataDir = join(root, `case-${name}-${damage.replace(/\W+/g, "-")}`);
  cpSync(snapshot, dataDir, { recursive: true });
  const file = join(dataDir, name);
  DAMAGE[damage]?.(file);
  const before = sha(file);
  const server = new CrashServer({ dataDir, ports });
  let started = false;
  let failure: { code?: number | null; stderr?: string; message?: string } = {};
  try {
    await server.start();
    started = true;
  } catch (error) {
    failure = error as typeof failure;
  } finally {
    await server.dispose();
  }
  card.check(!started, `${label}: the server refuses to start (it printed its readiness line)`);
  card.check(
    typeof failure.code === "number" && failure.code !== 0,
    `${label}: exits non-zero before ready (exit code ${failure.code}; ${failure.message?.split("\n")[0] ?? ""})`,
  );
  card.check(failure.stderr?.includes(file) === true, `${label}: the error names ${file}`);
  card.check(sha(file) === before, `${label}: the damaged file is left untouched (not replaced by an empty store)`);
  rmSync(dataDir, { recursive: true, force: true });
}

crashScenario(4, { timeoutMs: 120_000 }, async (card: Card) => {
  const dir = makeTempDir("sw4rm-crash4-");
  card.defer(() => dir.cleanup());
  const ports = await reservePorts();
  const live = join(dir.path, "data");
  const server = new CrashServer({ dataDir: live, ports });
  card.defer(() => server.dispose());
  await server.start();
  await registerAgents(server.registry, "producer", "consumer");
  const factory = new EnvelopeFactory({ producerId: "producer" });
  const env = factory.create({ messageType: MessageType.DATA, payload: "crash-4 survivor" });
  const producer = routerClient(server.router);
  const res = await send(producer, env, "consumer");
  producer.close();
  card.require(res.accepted, `message accepted (${res.reason})`);

  // Right after SIGKILL the data sits in the WAL; a garbage header must still be refused.
  await server.kill9();
  const killed = join(dir.path, "snapshot-killed");
  cpSync(live, killed, { recursive: true });
  for (const name of STORE_FILES) await refusesToStart(card, dir.path, ports, killed, name, "garbage header");

  // After a clean stop the pages live in the main files: tear one, truncate another.
  await server.start();
  // Serving first: a SIGTERM in the instant right after the readiness line can still hit the default handler.
  card.require((await server.queueDepth("consumer")) === 1, "the message is still queued after the SIGKILL");
  const stopped = await server.child?.stop("SIGTERM");
  card.require(stopped?.code === 0, `clean stop for the checkpoint (${JSON.stringify(stopped)})`);
  const clean = join(dir.path, "snapshot-clean");
  cpSync(live, clean, { recursive: true });
  for (const name of STORE_FILES)
    for (const damage of ["torn page 2", "truncated"]) await refusesToStart(card, dir.path, ports, clean, name, damage);

  // The SDK's JSON store (agent activity buffer): refused with the path, file untouched.
  const jsonDir = join(dir.path, "agent");
  mkdirSync(jsonDir);
  const jsonFile = join(jsonDir, "consumer.activity.json");
  const buffer = new PersistentActivityBuffer({ store: new JsonFileStore<ActivityRecord>(jsonFile) });
  for (let i = 0; i < 5; i++) buffer.recordIncoming(factory.create({ messageType: MessageType.DATA, payload: `r${i}` }));
  buffer.close();
  const good = readFileSync(jsonFile);
  for (const [damage, bytes] of [
    ["truncated", good.subarray(0, Math.floor(good.length / 2))],
    ["garbage", Buffer.from("\u0000\u0000garbage")],
  ] as const) {
    writeFileSync(jsonFile, bytes);
    const before = sha(jsonFile);
    let error: unknown;
    try {
      new PersistentActivityBuffer({ store: new JsonFileStore<ActivityRecord>(jsonFile) });
    } catch (e) {
      error = e;
    }
    card.check(error !== undefined, `activity JSON (${damage}): loading fails instead of starting empty`);
    card.check(String(error).includes(jsonFile), `activity JSON (${damage}): the error names ${jsonFile}`);
    card.check(sha(jsonFile) === before, `activity JSON (${damage}): the file is left untouched`);
  }

  // The undamaged data still starts and still delivers what was accepted before the SIGKILL.
  await server.start();
  const client = routerClient(server.router);
  card.defer(() => client.close());
  const inbox = openIncoming(client, "consumer");
  card.defer(() => inbox.close());
  let item = await inbox.next(15_000);
  while (item.msg?.messageType !== MessageType.DATA) item = await inbox.next(15_000);
  card.check(item.msg?.messageId === env.messageId, "the undamaged store still delivers the message accepted before the kill");
  card.require(await ackDelivery(client, "consumer", item.seq, env.messageId), "ack recorded");
  card.note(`${STORE_FILES.length * 3} damaged server stores refused (garbage header after SIGKILL; torn page / truncation after checkpoint), 2 damaged JSON stores refused`);
});
