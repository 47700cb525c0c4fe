/**
 * Announces registry changes to the other registered agents as NOTIFICATION envelopes through the
 * router (spec §14: the registry MUST broadcast join/leave). Body: see RegistryEvent.
 */
import { AgentState, type Clock, CONTENT_TYPES, EnvelopeFactory, isoFromMs, MessageType } from "@sw4rm/protocol";
import type { AgentChange, AgentDirectory, Logger, RouterIngress } from "../../contracts.js";

/** Producer id of registry notifications (the "sw4rm." prefix is reserved, see validation.ts). */
export const REGISTRY_PRODUCER_ID = "sw4rm.registry";

export type RegistryEventName =
  | "agent_joined"
  | "agent_updated"
  | "agent_left"
  | "agent_state"
  | "agent_unavailable"
  | "agent_available";

/** JSON body of a registry notification (content type CONTENT_TYPES.registryEvent). */
export interface RegistryEvent {
  readonly event: RegistryEventName;
  readonly agent_id: string;
  /** AgentState name, e.g. "RUNNING"; absent for agent_left. */
  readonly state?: string;
  /** Only on agent_state. */
  readonly previous_state?: string;
  readonly available?: boolean;
  /** Only on agent_left: the DeregisterAgent reason. */
  readonly reason?: string;
  /** ISO-8601 time of the change. */
  readonly at: string;
}

/** Longest DeregisterAgent reason announced: the whole event must fit a NOTIFICATION (32 KiB, doc §4.2). */
export const MAX_ANNOUNCED_REASON = 1024;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

export function registryEventOf(change: AgentChange, atMs: number): RegistryEvent {
  const at = isoFromMs(atMs);
  if (change.kind === "left")
    return { event: "agent_left", agent_id: change.agentId, reason: clip(change.reason, MAX_ANNOUNCED_REASON), at };
  const { agent } = change;
  const base = {
    agent_id: agent.descriptor.agentId,
    state: AgentState[agent.state] ?? String(agent.state),
    available: agent.available,
    at,
  };
  switch (change.kind) {
    case "joined":
      return { event: "agent_joined", ...base };
    case "updated":
      return { event: "agent_updated", ...base };
    case "state":
      return { event: "agent_state", ...base, previous_state: AgentState[change.previous] ?? String(change.previous) };
    case "availability":
      return { event: agent.available ? "agent_available" : "agent_unavailable", ...base };
  }
}

export interface RegistryNotifier {
  /** Waits for announcements already handed to the router. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Subscribes to `directory` and submits one NOTIFICATION per change to every other registered agent. */
export function startRegistryNotifier(deps: {
  readonly directory: AgentDirectory;
  readonly ingress: RouterIngress;
  readonly clock: Clock;
  readonly logger: Logger;
}): RegistryNotifier {
  const { directory, ingress, clock, logger } = deps;
  const factory = new EnvelopeFactory({ producerId: REGISTRY_PRODUCER_ID, clock });
  // One chain keeps announcements in the order the changes happened.
  let chain: Promise<void> = Promise.resolve();

  const unsubscribe = directory.subscribe((change) => {
    const body = registryEventOf(change, clock.now());
    const to = directory
      .list()
      .map((a) => a.descriptor.agentId)
      .filter((id) => id !== body.agent_id);
    if (to.length === 0) return;
    const envelope = factory.json(MessageType.NOTIFICATION, body, { contentType: CONTENT_TYPES.registryEvent });
    chain = chain.then(async () => {
      try {
        const result = await ingress.submit(envelope, { system: true, to });
        if (!result.accepted)
          logger.warn({ event: body.event, reason: result.reason }, "registry notification refused");
      } catch (err) {
        logger.error({ err, event: body.event }, "registry notification failed");
      }
    });
  });

  return {
    flush: () => chain,
    async close() {
      unsubscribe();
      await chain;
    },
  };
}
