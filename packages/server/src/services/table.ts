/**
 * The service table: the single source for every served gRPC service's default port, environment
 * variables (with their fallbacks), config-file key, `sw4rm up` flag and `sw4rm doctor` row.
 *
 * Ports and env lists come from @sw4rm/protocol (what the SDKs resolve), so server and clients agree.
 * An address key is the camelCase stem of an `SW4RM_<KEY>_ADDR` variable; each key is also a config
 * section (`{"<key>": {"addr": …}}`) and a flag (`--<kebab-key>-addr`). A service's keys are tried in
 * order within each layer, so `SW4RM_COORDINATION_ADDR` moves NegotiationRoom, Handoff and Workflow
 * together unless one of them is set on its own, and SchedulerPolicy follows the scheduler.
 */
import { SERVICE_ENDPOINTS, SERVICE_NAMES, type ServiceName } from "@sw4rm/protocol";

/** Fully-qualified gRPC service name per service (health checks, doctor, logs). */
export const GRPC_SERVICE_NAMES: Readonly<Record<ServiceName, string>> = {
  router: "sw4rm.router.RouterService",
  registry: "sw4rm.registry.RegistryService",
  scheduler: "sw4rm.scheduler.SchedulerService",
  schedulerPolicy: "sw4rm.scheduler.SchedulerPolicyService",
  hitl: "sw4rm.hitl.HitlService",
  worktree: "sw4rm.worktree.WorktreeService",
  tool: "sw4rm.tool.ToolService",
  connector: "sw4rm.connector.ConnectorService",
  negotiation: "sw4rm.negotiation.NegotiationService",
  negotiationRoom: "sw4rm.negotiation_room.NegotiationRoomService",
  reasoning: "sw4rm.reasoning.ReasoningProxy",
  logging: "sw4rm.logging.LoggingService",
  activity: "sw4rm.activity.ActivityService",
  handoff: "sw4rm.handoff.HandoffService",
  workflow: "sw4rm.workflow.WorkflowService",
};

/** One address key: where an address can be set in each configuration layer. */
export interface AddressKey {
  /** camelCase key, also the config-file section: "router", "negotiationRoom", "coordination". */
  readonly key: string;
  readonly env: string;
  /** Long flag name without the value placeholder: "--negotiation-room-addr". */
  readonly flag: string;
}

export interface ServiceEntry {
  readonly name: ServiceName;
  readonly grpcName: string;
  readonly port: number;
  /** Address keys in precedence order within a layer (own key first). */
  readonly addressKeys: readonly AddressKey[];
}

const kebab = (camel: string) => camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** SW4RM_NEGOTIATION_ROOM_ADDR → negotiationRoom. */
function keyOfEnv(env: string): string {
  const m = /^SW4RM_([A-Z0-9_]+)_ADDR$/.exec(env);
  if (!m?.[1]) throw new Error(`service table: ${env} is not an SW4RM_<NAME>_ADDR variable`);
  return m[1].toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function addressKey(env: string): AddressKey {
  const key = keyOfEnv(env);
  return { key, env, flag: `--${kebab(key)}-addr` };
}

export const SERVICE_TABLE: Readonly<Record<ServiceName, ServiceEntry>> = Object.fromEntries(
  SERVICE_NAMES.map((name) => {
    const endpoint = SERVICE_ENDPOINTS[name];
    const entry: ServiceEntry = {
      name,
      grpcName: GRPC_SERVICE_NAMES[name],
      port: endpoint.port,
      addressKeys: endpoint.env.map(addressKey),
    };
    return [name, entry];
  }),
) as Record<ServiceName, ServiceEntry>;

/** Every address key of the table once (service keys, then shared ones such as "coordination"). */
export const ADDRESS_KEYS: readonly AddressKey[] = [
  ...new Map(SERVICE_NAMES.flatMap((n) => SERVICE_TABLE[n].addressKeys).map((k) => [k.key, k])).values(),
];

export { SERVICE_NAMES, type ServiceName };
