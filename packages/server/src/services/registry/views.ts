/** Stable JSON shapes of the admin API (snake_case, enum names, ISO times). */
import { AgentState, CommunicationClass, isoFromMs, RegistrationType } from "@sw4rm/protocol";
import type { AgentRecord } from "../../contracts.js";

export interface AgentView {
  readonly agent_id: string;
  readonly name: string;
  readonly description: string;
  readonly state: string;
  readonly available: boolean;
  readonly communication_class: string;
  readonly registration_type: string;
  readonly modalities: readonly string[];
  readonly capabilities: readonly string[];
  readonly health: Readonly<Record<string, string>>;
  readonly registered_at: string;
  readonly last_heartbeat_at: string;
}

export function agentView(a: AgentRecord): AgentView {
  const d = a.descriptor;
  return {
    agent_id: d.agentId,
    name: d.name,
    description: d.description,
    state: AgentState[a.state] ?? String(a.state),
    available: a.available,
    communication_class: CommunicationClass[d.communicationClass] ?? String(d.communicationClass),
    registration_type: RegistrationType[d.registrationType] ?? String(d.registrationType),
    modalities: d.modalitiesSupported,
    capabilities: d.capabilities,
    health: a.health,
    registered_at: isoFromMs(a.registeredAtMs),
    last_heartbeat_at: isoFromMs(a.lastHeartbeatAtMs),
  };
}
