/**
 * Scheduler test harness: the real SchedulerService over gRPC on an ephemeral port, real SQLite in a
 * temp dir (optionally wrapped, e.g. to hold commits back), a ManualClock, an in-test RouterIngress
 * that records CONTROL envelopes, and an in-test AgentDirectory backed by a Map. The test plays the
 * agent by ACKing recorded envelopes.
 */
import { addPipelineService } from "../../support/pipeline.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials, Server, ServerCredentials } from "@grpc/grpc-js";
import {
  AckStage,
  AgentDescriptor,
  AgentState,
  buildAckEnvelope,
  type Envelope,
  EnvelopeFactory,
  type ErrorCode,
  ManualClock,
  type PollActivityBufferRequest,
  type PollActivityBufferResponse,
  type PreemptRequest,
  type PreemptResponse,
  type PurgeActivityRequest,
  type PurgeActivityResponse,
  SchedulerServiceClient,
  type ShutdownAgentRequest,
  type ShutdownAgentResponse,
  SubmitTaskRequest,
  type SubmitTaskResponse,
} from "@sw4rm/protocol";
import { pino } from "pino";
import type {
  AgentChange,
  AgentDirectory,
  AgentRecord,
  RouterIngress,
  SubmitOptions,
  SubmitResult,
} from "../../../packages/server/src/contracts.js";
import {
  createScheduler,
  parseCommand,
  SCHEDULER_DB_FILE,
  type SchedulerCommandBody,
  type SchedulerComponent,
  type SchedulerOptions,
  type SchedulerStore,
  SqliteSchedulerStore,
} from "../../../packages/server/src/services/scheduler/index.js";

export interface Sent {
  readonly envelope: Envelope;
  readonly to: readonly string[];
  readonly system: boolean;
  readonly body: SchedulerCommandBody;
}

export class RecordingIngress implements RouterIngress {
  readonly sent: Sent[] = [];
  refuse = false;
  async submit(envelope: Envelope, options: SubmitOptions = {}): Promise<SubmitResult> {
    const body = parseCommand(envelope);
    if (!body) throw new Error("scheduler sent a non-command envelope");
    this.sent.push({ envelope, to: options.to ?? [], system: options.system ?? false, body });
    if (this.refuse) return { accepted: false, reason: "buffer_full", code: 1, recipients: [] };
    return { accepted: true, reason: "", code: 0, recipients: [...(options.to ?? [])] };
  }
  /** Commands of one kind, optionally for one task/agent. */
  of(command: SchedulerCommandBody["command"], filter: { taskId?: string; agentId?: string } = {}): Sent[] {
    return this.sent.filter(
      (s) =>
        s.body.command === command &&
        (filter.agentId === undefined || s.to.includes(filter.agentId)) &&
        (filter.taskId === undefined || ("task_id" in s.body && s.body.task_id === filter.taskId)),
    );
  }
  runs(): string[] {
    return this.of("RUN").map((s) => (s.body.command === "RUN" ? s.body.task_id : ""));
  }
}

export class MapDirectory implements AgentDirectory {
  readonly agents = new Map<string, AgentRecord>();
  readonly #listeners = new Set<(c: AgentChange) => void>();
  get(agentId: string) {
    return this.agents.get(agentId);
  }
  list() {
    return [...this.agents.values()];
  }
  subscribe(listener: (c: AgentChange) => void) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  set(agentId: string, state: AgentState = AgentState.RUNNABLE, available = true): void {
    const previous = this.agents.get(agentId);
    const agent: AgentRecord = {
      descriptor: AgentDescriptor.fromPartial({ agentId, name: agentId }),
      state,
      available,
      health: {},
      registeredAtMs: 0,
      lastHeartbeatAtMs: 0,
    };
    this.agents.set(agentId, agent);
    const change: AgentChange = previous
      ? { kind: "state", agent, previous: previous.state }
      : { kind: "joined", agent };
    for (const l of this.#listeners) l(change);
  }
}

export interface HarnessOptions {
  /** Reuse a directory (default: a fresh temp dir removed by close()). */
  readonly dir?: string;
  /** Wraps the SQLite store the scheduler is given (on every start). */
  readonly wrapStore?: (store: SchedulerStore) => SchedulerStore;
}

export interface Harness {
  readonly dir: string;
  readonly clock: ManualClock;
  readonly ingress: RecordingIngress;
  readonly directory: MapDirectory;
  readonly logs: Record<string, unknown>[];
  scheduler: SchedulerComponent;
  submit(req: Partial<SubmitTaskRequest>): Promise<SubmitTaskResponse>;
  preempt(agentId: string, taskId: string, reason?: string): Promise<boolean>;
  shutdown(agentId: string, graceMs: number): Promise<boolean>;
  poll(agentId: string): Promise<PollActivityBufferResponse>;
  purge(agentId: string, taskIds: string[]): Promise<number>;
  /** ACKs a recorded CONTROL envelope as `agentId`. */
  ack(sent: Sent, stage: AckStage, note?: string, errorCode?: ErrorCode): Promise<void>;
  /** Advances the clock and lets the resulting sends complete. */
  advance(ms: number): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

function unary<Req, Res>(
  fn: (req: Req, cb: (err: Error | null, res: Res) => void) => unknown,
): (req: Req) => Promise<Res> {
  return (req) => new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));
}

export async function startHarness(options: SchedulerOptions = {}, harness: HarnessOptions = {}): Promise<Harness> {
  const { dir, wrapStore = (s) => s } = harness;
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), "sw4rm-sched-"));
  const clock = new ManualClock();
  const ingress = new RecordingIngress();
  const directory = new MapDirectory();
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => logs.push(JSON.parse(line)) });
  let store: SchedulerStore;
  const open = () => {
    store = wrapStore(new SqliteSchedulerStore(join(dataDir, SCHEDULER_DB_FILE)));
    return createScheduler({ store, ingress, directory, clock, logger, options });
  };
  let scheduler = await open();
  let server = new Server();
  let client: SchedulerServiceClient;
  const listen = async () => {
    server = new Server();
    addPipelineService(server, scheduler.definition, scheduler.handlers, "scheduler", store);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    client = new SchedulerServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  };
  await listen();
  const stop = async () => {
    client.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    await scheduler.close();
    await store.close();
  };
  const h: Harness = {
    dir: dataDir,
    clock,
    ingress,
    directory,
    logs,
    get scheduler() {
      return scheduler;
    },
    set scheduler(s) {
      scheduler = s;
    },
    submit: (req) =>
      unary<SubmitTaskRequest, SubmitTaskResponse>(client.submitTask.bind(client))(
        SubmitTaskRequest.fromPartial({ agentId: "agent-a", scope: "repo:app", ...req }),
      ),
    preempt: async (agentId, taskId, reason = "test") =>
      (await unary<PreemptRequest, PreemptResponse>(client.requestPreemption.bind(client))({ agentId, taskId, reason }))
        .enqueued,
    shutdown: async (agentId, graceMs) =>
      (
        await unary<ShutdownAgentRequest, ShutdownAgentResponse>(client.shutdownAgent.bind(client))({
          agentId,
          gracePeriod: { seconds: BigInt(Math.floor(graceMs / 1000)), nanos: (graceMs % 1000) * 1e6 },
        })
      ).ok,
    poll: (agentId) =>
      unary<PollActivityBufferRequest, PollActivityBufferResponse>(client.pollActivityBuffer.bind(client))({ agentId }),
    purge: async (agentId, taskIds) =>
      (
        await unary<PurgeActivityRequest, PurgeActivityResponse>(client.purgeActivity.bind(client))({
          agentId,
          taskIds,
        })
      ).purged,
    async ack(sent, stage, note, errorCode) {
      const agentId = sent.to[0] ?? "agent-a";
      const factory = new EnvelopeFactory({ producerId: agentId, clock });
      await scheduler.handleAck(buildAckEnvelope(factory, { ackFor: sent.envelope, stage, note, errorCode }));
    },
    async advance(ms) {
      clock.advance(ms);
      await scheduler.settled();
    },
    async restart() {
      await stop();
      scheduler = await open();
      await scheduler.settled();
      await listen();
    },
    async close() {
      await stop();
      if (!dir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

export { AckStage, AgentState };
