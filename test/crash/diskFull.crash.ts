/**
 * Scenario 8: the data dir lives on a small tmpfs that is then filled up. The server must refuse new
 * messages with a clear error (OVERLOADED / gRPC RESOURCE_EXHAUSTED, or accepted=false "overloaded:"),
 * stay up, keep delivering what was already queued, take messages again once space is freed, and never
 * lose (or later deliver) anything: every message answered accepted=true is delivered after a final
 * SIGKILL + restart, and no refused message ever shows up. Needs root (mount); when the tmpfs cannot be
 * mounted the scenario is an error, never a pass.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ServiceError } from "@grpc/grpc-js";
import { EnvelopeFactory, ErrorCode, GrpcStatus, METADATA, MessageType } from "@sw4rm/protocol";
import { registerAgents } from "../support/agents.js";
import { routerClient } from "../support/grpc.js";
import { makeTempDir } from "../support/tempDir.js";
import { type Card, crashScenario } from "./support/scorecard.js";
import { CrashServer, reservePorts } from "./support/server.js";
import { ackDelivery, RawIncoming, type RawItem, send } from "./support/wire.js";

const DISK = "24m";
const QUEUED = 20;
const MAX_FULL_SENDS = 600;

/** Fills the filesystem of `dir` until ENOSPC (big chunks, then single bytes); returns the bytes written. */
function fill(dir: string): number {
  let total = 0;
  for (const [i, chunk] of [1 << 20, 4096, 1].entries()) {
    const fd = openSync(join(dir, `filler-${i}`), "w");
    const buf = Buffer.alloc(chunk, 0x46);
    try {
      for (;;) total += writeSync(fd, buf);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
    } finally {
      closeSync(fd);
    }
  }
  return total;
}

interface Refusal {
  readonly grpc?: number;
  readonly code?: string;
  readonly text: string;
}

crashScenario(8, { timeoutMs: 120_000 }, async (card: Card) => {
  const root = makeTempDir("sw4rm-crash8-");
  card.defer(() => root.cleanup());
  const disk = join(root.path, "disk");
  mkdirSync(disk);
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${DISK}`, "tmpfs", disk], { stdio: "pipe" });
  } catch (error) {
    card.require(false, `mount a ${DISK} tmpfs as the data disk (needs root): ${String(error).split("\n")[0]}`);
  }
  card.defer(() => execFileSync("umount", ["-l", disk], { stdio: "pipe" }));

  const server = new CrashServer({
    dataDir: join(disk, "data"),
    ports: await reservePorts(),
    configFile: join(root.path, "config.json"),
    config: { router: { options: { inboundBufferCapacity: 10_000 } } },
  });
  card.defer(() => server.dispose());
  await server.start();
  await registerAgents(server.registry, "producer", "consumer");
  const factory = new EnvelopeFactory({ producerId: "producer" });
  const producer = routerClient(server.router);
  card.defer(() => producer.close());

  const accepted = new Set<string>();
  const refusedIds = new Set<string>();
  for (let i = 0; i < QUEUED; i++) {
    const env = factory.create({ messageType: MessageType.DATA, payload: `queued before the disk filled ${i}` });
    const res = await send(producer, env, "consumer");
    card.require(res.accepted, `message ${i} accepted before the disk filled (${res.reason})`);
    accepted.add(env.messageId);
  }
  const queuedBefore = new Set(accepted);

  const filled = fill(disk);
  card.note(`${QUEUED} queued, then the ${DISK} disk filled (${(filled / 2 ** 20).toFixed(1)} MiB of filler)`);

  // New messages until the store refuses; the first few may still fit in slack the store already owns.
  let refusal: Refusal | undefined;
  let consecutiveRefusals = 0;
  let acceptedWhileFull = 0;
  let otherFailures = 0;
  const payload = "F".repeat(8192);
  for (let i = 0; i < MAX_FULL_SENDS && consecutiveRefusals < 5; i++) {
    const env = factory.create({ messageType: MessageType.DATA, payload: `${i} ${payload}` });
    try {
      const res = await send(producer, env, "consumer");
      if (res.accepted) {
        accepted.add(env.messageId);
        acceptedWhileFull++;
        consecutiveRefusals = 0;
        continue;
      }
      refusedIds.add(env.messageId);
      consecutiveRefusals++;
      refusal ??= { text: res.reason, code: res.reason.split(":")[0] };
    } catch (error) {
      const e = error as ServiceError;
      refusedIds.add(env.messageId);
      consecutiveRefusals++;
      const code = e.metadata?.get(METADATA.errorCode)[0];
      const r = { grpc: e.code, code: code === undefined ? undefined : String(code), text: e.details ?? e.message };
      refusal ??= r;
      if (e.code !== GrpcStatus.RESOURCE_EXHAUSTED) otherFailures++;
    }
    card.require(server.alive(), `the server is still running after ${i + 1} sends to a full disk`);
  }
  card.note(`${acceptedWhileFull} more accepted into existing slack, then refused: ${refusal?.text ?? "never"}`);
  card.check(refusal !== undefined, `new messages are refused once the disk is full (within ${MAX_FULL_SENDS} sends)`);
  const overloaded =
    (refusal?.grpc === GrpcStatus.RESOURCE_EXHAUSTED && refusal.code === String(ErrorCode.OVERLOADED)) ||
    (refusal?.grpc === undefined && refusal?.code === "overloaded");
  card.check(
    overloaded,
    `the refusal is OVERLOADED / RESOURCE_EXHAUSTED (got grpc ${refusal?.grpc}, sw4rm code ${refusal?.code})`,
  );
  card.check(
    /disk is full|free disk space/i.test(refusal?.text ?? ""),
    "the refusal says the storage is full and what to do",
  );
  card.check(otherFailures === 0, `no refusal with another status (${otherFailures})`);
  card.check(server.alive(), "the server did not crash");

  // Still serving deliveries of what was queued before the disk filled.
  const inbox = new RawIncoming(server.router, "consumer");
  card.defer(() => inbox.close());
  const delivered = new Map<string, RawItem>();
  const deadline = Date.now() + 15_000;
  while ([...queuedBefore].some((id) => !delivered.has(id)) && Date.now() < deadline) {
    try {
      const item = await inbox.next(Math.max(1, deadline - Date.now()));
      delivered.set(item.envelope.messageId, item);
    } catch (error) {
      card.note(`stream while full: ${String(error).split("\n")[0]}`);
      break;
    }
  }
  const missingWhileFull = [...queuedBefore].filter((id) => !delivered.has(id)).length;
  card.check(
    missingWhileFull === 0,
    `already-queued messages are still delivered while the disk is full (${QUEUED - missingWhileFull}/${QUEUED})`,
  );
  let ackRefusals = 0;
  let ackText = "";
  for (const item of delivered.values()) {
    try {
      await ackDelivery(producer, "consumer", item.seq, item.envelope.messageId);
    } catch (error) {
      ackRefusals++;
      ackText ||= (error as ServiceError).details;
    }
  }
  // Acks need a write, so on a full disk they are refused too (with the same clear error), not lost.
  card.note(
    `acks while full: ${delivered.size - ackRefusals} recorded, ${ackRefusals} refused${ackText ? ` ("${ackText.split(":")[0]}", same storage message)` : ""}`,
  );
  inbox.close();
  card.check(server.alive(), "the server is still running after deliveries and acks on a full disk");

  // Space comes back: new messages are accepted again.
  for (const f of ["filler-0", "filler-1", "filler-2"]) rmSync(join(disk, f), { force: true });
  const after = factory.create({ messageType: MessageType.DATA, payload: "after space was freed" });
  const res = await send(producer, after, "consumer").catch((e: ServiceError) => ({ accepted: false, reason: e.details }));
  card.check(res.accepted, `accepted again once space is freed (${res.reason})`);
  if (res.accepted) accepted.add(after.messageId);
  else refusedIds.add(after.messageId);

  // Nothing accepted is lost, nothing refused was stored: SIGKILL, restart, drain.
  await server.kill9();
  await server.start();
  const drain = new RawIncoming(server.router, "consumer");
  card.defer(() => drain.close());
  const seen = new Set<string>();
  const client = routerClient(server.router);
  card.defer(() => client.close());
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    let item: RawItem;
    try {
      item = await drain.next(Math.min(2_000, Math.max(1, end - Date.now())));
    } catch {
      if ([...accepted].every((id) => seen.has(id))) break;
      continue;
    }
    seen.add(item.envelope.messageId);
    await ackDelivery(client, "consumer", item.seq, item.envelope.messageId);
  }
  const lost = [...accepted].filter((id) => !seen.has(id)).length;
  const ghosts = [...refusedIds].filter((id) => seen.has(id)).length;
  card.check(lost === 0, `every accepted message delivered after SIGKILL + restart (${accepted.size - lost}/${accepted.size})`);
  card.check(ghosts === 0, `no refused message was stored and delivered later (${ghosts} of ${refusedIds.size})`);
});
