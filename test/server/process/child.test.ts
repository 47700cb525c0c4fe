/** `sw4rm up` as a child process (built dist; `npx tsc -b` first). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Metadata } from "@grpc/grpc-js";
import {
  DeliveryAckOutcome,
  type DeliveryAckResponse,
  EnvelopeFactory,
  METADATA,
  MessageType,
  parseJsonBytes,
  type SendMessageResponse,
} from "@sw4rm/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerAgents } from "../../support/agents.js";
import { type ChildServer, spawnServer } from "../../support/child.js";
import { routerClient, unary } from "../../support/grpc.js";
import { checkHealth } from "../../support/health.js";
import { openIncoming } from "../../support/stream.js";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";

const PORTS = [
  "--router-addr",
  "127.0.0.1:0",
  "--registry-addr",
  "127.0.0.1:0",
  "--scheduler-addr",
  "127.0.0.1:0",
  "--admin-addr",
  "127.0.0.1:0",
];

describe("sw4rm up (child process)", () => {
  let dir: TempDir;
  let server: ChildServer | undefined;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) await server.stop("SIGKILL");
    server = undefined;
    dir.cleanup();
  });

  it("prints one readiness line with the real ports, serves health, exits 0 on SIGTERM", async () => {
    server = await spawnServer(["up", "--data-dir", dir.path, ...PORTS]);
    expect(server.readiness).toMatch(
      /^sw4rm ready router=127\.0\.0\.1:\d+ registry=127\.0\.0\.1:\d+ scheduler=127\.0\.0\.1:\d+ admin=http:\/\/127\.0\.0\.1:\d+$/,
    );
    expect(server.addresses.router).not.toMatch(/:0$/);
    expect(await checkHealth(server.addresses.router ?? "")).toBe("SERVING");
    expect(await checkHealth(server.addresses.registry ?? "", "sw4rm.registry.RegistryService")).toBe("SERVING");
    expect(await server.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    // stderr carries JSON logs only; stdout carried only the readiness line.
    const lines = server.stderr().trim().split("\n");
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.some((l) => JSON.parse(l).msg === "stopped")).toBe(true);
  });

  it("honours SW4RM_ROUTER_ADDR / SW4RM_REGISTRY_ADDR / SW4RM_SCHEDULER_ADDR", async () => {
    server = await spawnServer(["up", "--data-dir", dir.path, "--admin-addr", "127.0.0.1:0"], {
      env: {
        SW4RM_ROUTER_ADDR: "127.0.0.1:0",
        SW4RM_REGISTRY_ADDR: "http://127.0.0.1:0",
        SW4RM_SCHEDULER_ADDR: "127.0.0.1:0",
      },
    });
    expect(server.addresses.router).toMatch(/^127\.0\.0\.1:[1-9]/);
    expect(server.addresses.registry).toMatch(/^127\.0\.0\.1:[1-9]/);
    expect(server.addresses.scheduler).toMatch(/^127\.0\.0\.1:[1-9]/);
  });

  it("refuses to start over a corrupt registry.db, naming the file, with a non-zero exit", async () => {
    const file = join(dir.path, "registry.db");
    writeFileSync(file, "this is not an sqlite database, it is garbage bytes");
    const err = await spawnServer(["up", "--data-dir", dir.path, ...PORTS]).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(err?.code).not.toBe(0);
    expect(err?.code).not.toBeUndefined();
    expect(err?.stderr).toContain(file);
  });

  it("a message accepted before kill -9 is delivered after restart on the same data dir", async () => {
    server = await spawnServer(["up", "--data-dir", dir.path, ...PORTS]);
    await registerAgents(server.addresses.registry ?? "", "producer", "consumer");
    const factory = new EnvelopeFactory({ producerId: "producer" });
    const envelope = factory.json(MessageType.DATA, { hello: "durable" });
    const metadata = new Metadata();
    metadata.set(METADATA.recipients, "consumer");
    const sender = routerClient(server.addresses.router ?? "");
    const sent = await unary<SendMessageResponse>((cb) => sender.sendMessage({ msg: envelope }, metadata, cb));
    sender.close();
    expect(sent).toEqual({ accepted: true, reason: "" });

    expect(await server.stop("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    server = await spawnServer(["up", "--data-dir", dir.path, ...PORTS]);

    const router = routerClient(server.addresses.router ?? "");
    const incoming = openIncoming(router, "consumer");
    try {
      // The consumer may first get the registry's join notice about the producer; find our message.
      let item = await incoming.next();
      while (item.msg?.messageType === MessageType.NOTIFICATION) item = await incoming.next();
      expect(item.msg?.messageId).toBe(envelope.messageId);
      expect(parseJsonBytes(item.msg?.payload ?? new Uint8Array())).toEqual({ hello: "durable" });
      const ack = await unary<DeliveryAckResponse>((cb) =>
        router.ackDelivery(
          {
            agentId: "consumer",
            seq: item.seq,
            messageId: envelope.messageId,
            outcome: DeliveryAckOutcome.DELIVERY_ACK_OUTCOME_DELIVERED,
          },
          cb,
        ),
      );
      expect(ack.recorded).toBe(true);
    } finally {
      incoming.close();
      router.close();
    }
    expect((await server.stop("SIGTERM")).code).toBe(0);
  });
});
