/**
 * One logging contract: the SDK calls loggers as pino does ((fields, message), (message), child), so
 * a real pino logger receives the SDK's snake_case fields and component names.
 */
import { Writable } from "node:stream";
import { AgentState, EnvelopeFactory, ErrorCode, ManualClock, MessageType, Sw4rmError } from "@sw4rm/protocol";
import { Agent, consoleLogger, type Logger, SDK_LOG_COMPONENTS, silentLogger } from "@sw4rm/sdk";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeRegistry, FakeRouter, flush } from "./support/fakeRouter.js";

type Line = Record<string, unknown>;

/** A real pino logger writing JSON lines to an in-memory stream. */
function pinoLines(): { logger: pino.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const l of chunk.toString().split("\n")) if (l.trim() !== "") lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("Logger contract", () => {
  it("a pino logger passed to new Agent({logger}) receives the SDK's fields", async () => {
    const { logger, lines } = pinoLines();
    const clock = new ManualClock();
    const router = new FakeRouter();
    // Typed as the SDK's Logger: a pino instance satisfies it as is.
    const sdkLogger: Logger = logger;
    const agent = new Agent({
      agentId: "logged",
      name: "Logged",
      router,
      registry: new FakeRegistry(),
      clock,
      logger: sdkLogger,
    });
    agent.on(MessageType.DATA, () => {
      throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, "payload: not a greeting");
    });
    await agent.start();
    expect(agent.state).toBe(AgentState.RUNNING);
    const env = new EnvelopeFactory({ producerId: "alice", clock }).create({ messageType: MessageType.DATA });
    await router.send(env, { to: "logged" });
    await flush();
    await agent.stop();
    await new Promise<void>((resolve) => setImmediate(resolve)); // pino's stream writes asynchronously

    expect(lines).toContainEqual(
      expect.objectContaining({ msg: "agent started", agent_id: "logged", component: "agent", level: 30 }),
    );
    // The one line per handler failure, with the envelope's ids as snake_case fields.
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: "handler failed",
        level: 40,
        agent_id: "logged",
        component: "message_processor",
        message_id: env.messageId,
        correlation_id: env.correlationId,
        error_code: "VALIDATION_ERROR",
        note: "payload: not a greeting",
      }),
    );
    // The in-memory activity buffer warning (no dataDir) comes through the message-only call shape.
    expect(lines).toContainEqual(expect.objectContaining({ msg: expect.stringMatching(/^no dataDir/), level: 40 }));
    for (const line of lines) {
      expect(SDK_LOG_COMPONENTS).toContain(line.component);
      for (const key of Object.keys(line)) expect(key, `field ${key}`).toMatch(/^[a-z0-9_]+$/);
    }
  });

  it("consoleLogger takes both call shapes, binds child fields and serialises errors and bigints", () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const log = consoleLogger("info", { service: "demo" }).child({ agent_id: "a1" });
    log.debug({ seq: 1n }, "hidden below info");
    log.info("plain message");
    log.warn({ seq: 7n, err: new Sw4rmError(ErrorCode.NO_ROUTE, "nowhere") }, "with fields");
    const lines = written.map((w) => JSON.parse(w) as Line);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: "info", msg: "plain message", service: "demo", agent_id: "a1" });
    expect(lines[1]).toMatchObject({
      level: "warn",
      msg: "with fields",
      agent_id: "a1",
      seq: "7",
      err: { type: "Sw4rmError", message: "nowhere", code: ErrorCode.NO_ROUTE },
    });
  });

  it("silentLogger drops everything, children included", () => {
    const spy = vi.spyOn(process.stderr, "write");
    silentLogger.child({ agent_id: "x" }).error({ a: 1 }, "nothing");
    silentLogger.info("nothing");
    expect(spy).not.toHaveBeenCalled();
  });
});
