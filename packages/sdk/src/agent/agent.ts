import { join } from "node:path";
import {
  AgentState,
  agentLifecycle,
  type Clock,
  CommunicationClass,
  DEFAULTS,
  type Envelope,
  EnvelopeFactory,
  type EnvelopeInit,
  ErrorCode,
  MessageType,
  Sw4rmError,
  systemClock,
  type TimerHandle,
} from "@sw4rm/protocol";
import { type AckEvent, AckLifecycleManager, type SendWithAckOptions } from "../ack/ackLifecycleManager.js";
import { type ActivityRecord, PersistentActivityBuffer } from "../activity/activityBuffer.js";
import { RegistryClient } from "../clients/registryClient.js";
import { RouterClient } from "../clients/routerClient.js";
import type { SendResult } from "../clients/sendResult.js";
import { componentLogger, type Logger, silentLogger } from "../logger.js";
import { JsonFileStore } from "../storage/jsonFileStore.js";
import { MemoryStore } from "../storage/recordStore.js";
import { SqliteStore } from "../storage/sqliteStore.js";
import type { Sw4rmClientOptions } from "../transport/options.js";
import { InboxConsumer } from "./inboxConsumer.js";
import { type MessageHandler, MessageProcessor } from "./messageProcessor.js";
import type { ActivityStore, RegistryPort, RouterPort } from "./ports.js";
import type { ReceivedMessage } from "./receivedMessage.js";
import { parseControlCommand, type TaskHandler, TaskRunner } from "./taskRunner.js";

export interface AgentOptions {
  readonly agentId: string;
  readonly name: string;
  readonly description?: string;
  readonly capabilities?: readonly string[];
  /** MIME types accepted (spec §12). Default application/json, text/plain, octet-stream. */
  readonly modalities?: readonly string[];
  readonly communicationClass?: CommunicationClass;
  /** Router / registry addresses (else SW4RM_ROUTER_ADDR / SW4RM_REGISTRY_ADDR / defaults). */
  readonly routerAddress?: string;
  readonly registryAddress?: string;
  /** Shared client options (TLS, metadata, deadlines). */
  readonly client?: Sw4rmClientOptions;
  /** Pre-built transports (tests pass in-memory fakes). */
  readonly router?: RouterPort;
  readonly registry?: RegistryPort;
  /** Directory for durable state (activity buffer). Without it (and without `activityStore`) state is in memory. */
  readonly dataDir?: string;
  /** Backend in `dataDir`. Default "json". */
  readonly storage?: "json" | "sqlite";
  readonly activityStore?: ActivityStore;
  readonly heartbeatIntervalMs?: number;
  readonly ackTimeoutMs?: number;
  readonly clock?: Clock;
  /** pino-compatible (a pino logger works as is); lines carry `agent_id` and a `component`. Default silent. */
  readonly logger?: Logger;
}

/**
 * A SW4RM agent: registers, heartbeats, consumes its inbox, dispatches by MessageType with automatic
 * ACKs, deduplicates by idempotency token (exactly-once effects), runs scheduler tasks, deregisters.
 *
 *     const agent = new Agent({ agentId: "echo", name: "Echo" });
 *     agent.on(MessageType.DATA, (msg) => msg.text());
 *     await agent.start();
 */
export class Agent {
  readonly agentId: string;
  readonly envelopes: EnvelopeFactory;
  readonly buffer: PersistentActivityBuffer;
  readonly acks: AckLifecycleManager;
  readonly processor: MessageProcessor;
  readonly #o: AgentOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #router: RouterPort;
  readonly #registry: RegistryPort;
  readonly #tasks: TaskRunner;
  readonly #stop = new AbortController();
  readonly #inbox: InboxConsumer;
  #state: AgentState = AgentState.AGENT_STATE_UNSPECIFIED;
  #heartbeat: TimerHandle | undefined;
  #consumer: Promise<void> | undefined;

  constructor(options: AgentOptions) {
    this.#o = options;
    this.agentId = options.agentId;
    this.#clock = options.clock ?? systemClock;
    // One base with the agent's id; each part binds its own `component` (SDK_LOG_COMPONENTS).
    const base = (options.logger ?? silentLogger).child({ agent_id: options.agentId });
    this.#log = componentLogger(base, "agent");
    this.envelopes = new EnvelopeFactory({ producerId: options.agentId, clock: this.#clock });
    const client = { ...options.client, ...(options.clock ? { clock: options.clock } : {}) };
    this.#router =
      options.router ?? new RouterClient({ ...client, address: options.routerAddress ?? options.client?.address });
    this.#registry = options.registry ?? new RegistryClient({ ...client, address: options.registryAddress });
    this.buffer = new PersistentActivityBuffer({
      store: options.activityStore ?? this.#defaultStore(),
      clock: this.#clock,
      ...(options.ackTimeoutMs ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
    });
    const send = (env: Envelope, to: readonly string[]) => this.#router.send(env, { to });
    this.acks = new AckLifecycleManager({
      factory: this.envelopes,
      send,
      buffer: this.buffer,
      clock: this.#clock,
      logger: base,
      ...(options.ackTimeoutMs ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
    });
    this.processor = new MessageProcessor({
      factory: this.envelopes,
      sendAck: (ack, original) => this.#inbox.sendAck(ack, original),
      // spec §1.4: atomic commit of result + ACK: the outcome is durable before any terminal ACK leaves.
      recordOutcome: (env, o) => void this.buffer.ack(env.messageId, o.stage, o.errorCode, o.note),
      clock: this.#clock,
      logger: base,
      signal: this.#stop.signal,
    });
    this.#inbox = new InboxConsumer({
      agentId: this.agentId,
      router: this.#router,
      envelopes: this.envelopes,
      acks: this.acks,
      buffer: this.buffer,
      processor: this.processor,
      clock: this.#clock,
      log: this.#log,
      routerLog: base,
      signal: this.#stop.signal,
    });
    this.#tasks = new TaskRunner(this.#clock);
    this.processor.registerHandler(MessageType.CONTROL, (msg) => this.#control(msg));
  }

  get state(): AgentState {
    return this.#state;
  }

  /** Handles one MessageType; the return value becomes the FULFILLED ACK note, a throw becomes REJECTED/FAILED. */
  on(type: MessageType, handler: MessageHandler): this {
    this.processor.registerHandler(type, handler);
    return this;
  }

  /** Handles every MessageType without its own handler. */
  onDefault(handler: MessageHandler): this {
    this.processor.setDefaultHandler(handler);
    return this;
  }

  /** Runs scheduler tasks (CONTROL `{"command":"RUN","task_id",...}`). */
  onTask(handler: TaskHandler): this {
    this.#tasks.setHandler(handler);
    return this;
  }

  /** Called for every ACK this agent receives. */
  onAck(listener: (event: AckEvent) => void): () => void {
    return this.acks.onAck(listener);
  }

  /** Registers, starts heartbeats and consumes the inbox. */
  async start(): Promise<void> {
    this.#transition(AgentState.INITIALIZING);
    try {
      const res = await this.#registry.registerAgent({
        agent: {
          agentId: this.agentId,
          name: this.#o.name,
          description: this.#o.description ?? "",
          capabilities: [...(this.#o.capabilities ?? [])],
          communicationClass: this.#o.communicationClass ?? CommunicationClass.STANDARD,
          modalitiesSupported: [
            ...(this.#o.modalities ?? ["application/json", "text/plain", "application/octet-stream"]),
          ],
        },
      });
      if (!res.accepted) throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, `registration refused: ${res.reason}`);
    } catch (error) {
      this.#transition(AgentState.FAILED_STATE);
      throw Sw4rmError.from(error);
    }
    this.#transition(AgentState.RUNNABLE);
    this.#transition(AgentState.SCHEDULED);
    this.#transition(AgentState.RUNNING);
    // Report readiness now rather than at the first interval: the registry (and so the scheduler,
    // spec §8.1) treats the agent as INITIALIZING until it hears otherwise.
    await this.#reportState();
    this.#scheduleHeartbeat();
    this.#consumer = this.#inbox.run();
    this.#log.info("agent started");
  }

  /** Graceful stop: stops consuming, aborts tasks, waits for in-flight work, deregisters. */
  async stop(reason = "shutdown"): Promise<void> {
    if (this.#state === AgentState.RUNNING) {
      this.#transition(AgentState.SHUTTING_DOWN);
      await this.#reportState(); // no new tasks while draining (spec §8.1)
    }
    this.#heartbeat?.cancel();
    this.#tasks.abortAll();
    this.#stop.abort(new Sw4rmError(ErrorCode.AGENT_SHUTDOWN, reason));
    await this.#consumer;
    await Promise.allSettled(this.#inbox.inFlight.values());
    this.acks.close(reason);
    await this.#registry.deregisterAgent({ agentId: this.agentId, reason }).catch((e: unknown) => {
      this.#log.warn({ err: e }, "deregister failed");
    });
    if (!this.#o.router) this.#router.close?.();
    if (!this.#o.registry) this.#registry.close?.();
    if (!this.#o.activityStore) this.buffer.close();
  }

  /** Builds and sends an envelope to `to`, recording it in the activity buffer. */
  async send(to: string | readonly string[], init: EnvelopeInit | Envelope): Promise<SendResult> {
    const env = "messageId" in init ? init : this.envelopes.create(init);
    const recipients = typeof to === "string" ? [to] : [...to];
    this.buffer.recordOutgoing(env, recipients);
    return this.#router.send(env, { to: recipients });
  }

  /** Sends and waits for the recipient's ACK (default: RECEIVED or later, 10 s timeout). */
  sendAndWait(init: EnvelopeInit | Envelope, options: SendWithAckOptions): Promise<AckEvent> {
    const env = "messageId" in init ? init : this.envelopes.create(init);
    return this.acks.sendMessageWithAck(env, options);
  }

  #defaultStore(): ActivityStore {
    const dir = this.#o.dataDir;
    if (!dir) {
      this.#log.warn("no dataDir: the activity buffer is in memory and exactly-once dedup does not survive a restart");
      return new MemoryStore<ActivityRecord>();
    }
    return this.#o.storage === "sqlite"
      ? new SqliteStore<ActivityRecord>(join(dir, `${this.agentId}.sqlite`), { namespace: "activity" })
      : new JsonFileStore<ActivityRecord>(join(dir, `${this.agentId}.activity.json`));
  }

  #transition(to: AgentState): void {
    agentLifecycle.assertTransition(this.#state, to);
    this.#state = to;
  }

  /** One heartbeat carrying the current lifecycle state; failures are logged, never thrown. */
  #reportState(): Promise<void> {
    return this.#registry
      .heartbeat({ agentId: this.agentId, state: this.#state, health: { inFlight: String(this.#inbox.inFlight.size) } })
      .then(
        () => undefined,
        (e: unknown) => this.#log.warn({ err: e }, "heartbeat failed"),
      );
  }

  #scheduleHeartbeat(): void {
    const interval = this.#o.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs;
    this.#heartbeat = this.#clock.setTimer(interval, () => {
      if (this.#stop.signal.aborted) return;
      this.#reportState().finally(() => {
          if (!this.#stop.signal.aborted) this.#scheduleHeartbeat();
        });
    });
  }

  async #control(msg: ReceivedMessage): Promise<unknown> {
    const command = parseControlCommand(msg);
    if (!command)
      throw new Sw4rmError(ErrorCode.VALIDATION_ERROR, 'CONTROL body must be JSON {"command": ...}', {
        field: "payload",
      });
    return this.#tasks.execute(command, msg);
  }
}
