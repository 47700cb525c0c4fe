/** Raw generated clients with a per-call bearer token, and promise helpers that keep the gRPC status. */
import { credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import {
  type DeliveryAckResponse,
  type DeregisterAgentResponse,
  type Envelope,
  GrpcStatus,
  type HeartbeatResponse,
  type RegisterAgentResponse,
  RegistryServiceClient,
  RouterServiceClient,
  SchedulerServiceClient,
  type SendMessageResponse,
  type StreamItem,
} from "@sw4rm/protocol";
import { descriptor } from "../../../support/agents.js";

export interface Clients {
  readonly registry: RegistryServiceClient;
  readonly router: RouterServiceClient;
  readonly scheduler: SchedulerServiceClient;
  close(): void;
}

export function clients(addrs: { registryAddr: string; routerAddr: string; schedulerAddr: string }): Clients {
  const registry = new RegistryServiceClient(addrs.registryAddr, credentials.createInsecure());
  const router = new RouterServiceClient(addrs.routerAddr, credentials.createInsecure());
  const scheduler = new SchedulerServiceClient(addrs.schedulerAddr, credentials.createInsecure());
  return {
    registry,
    router,
    scheduler,
    close: () => [registry, router, scheduler].forEach((c) => c.close()),
  };
}

/** Resolves with the response, or with the ServiceError (status code) when the call fails. */
export function call<Res>(
  invoke: (callback: (error: ServiceError | null, response: Res) => void) => unknown,
): Promise<Res | ServiceError> {
  return new Promise((resolve) => {
    invoke((err, res) => resolve(err ?? res));
  });
}

export function statusOf(result: unknown): GrpcStatus {
  return result instanceof Error && typeof (result as ServiceError).code === "number"
    ? (result as ServiceError).code
    : GrpcStatus.OK;
}

function md(token: string | undefined, entries: Readonly<Record<string, string>> = {}): Metadata {
  const m = new Metadata();
  if (token !== undefined) m.set("authorization", `Bearer ${token}`);
  for (const [k, v] of Object.entries(entries)) m.set(k, v);
  return m;
}

export const register = (c: Clients, token: string | undefined, agentId: string) =>
  call<RegisterAgentResponse>((cb) => c.registry.registerAgent({ agent: descriptor(agentId) }, md(token), cb));

export const heartbeat = (c: Clients, token: string | undefined, agentId: string) =>
  call<HeartbeatResponse>((cb) => c.registry.heartbeat({ agentId, state: 0, health: {} }, md(token), cb));

export const deregister = (c: Clients, token: string | undefined, agentId: string) =>
  call<DeregisterAgentResponse>((cb) => c.registry.deregisterAgent({ agentId, reason: "test" }, md(token), cb));

export const send = (c: Clients, token: string | undefined, envelope: Envelope, to: string) =>
  call<SendMessageResponse>((cb) => c.router.sendMessage({ msg: envelope }, md(token, { "sw4rm-to": to }), cb));

export const ackDelivery = (c: Clients, token: string | undefined, agentId: string, seq: bigint, messageId: string) =>
  call<DeliveryAckResponse>((cb) => c.router.ackDelivery({ agentId, seq, messageId, outcome: 0 }, md(token), cb));

/** Opens StreamIncoming and resolves with the first item, or with the error that ended the stream. */
export function firstItem(c: Clients, token: string | undefined, agentId: string): Promise<StreamItem | ServiceError> {
  const stream = c.router.streamIncoming({ agentId }, md(token));
  return new Promise((resolve) => {
    stream.once("data", (item: StreamItem) => {
      resolve(item);
      stream.cancel();
    });
    stream.once("error", (err: ServiceError) => resolve(err));
  });
}
