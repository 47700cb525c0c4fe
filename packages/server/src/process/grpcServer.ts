/** One gRPC server per distinct bind address, carrying its services plus grpc.health.v1. */
import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { MAX_GRPC_MESSAGE_BYTES } from "@sw4rm/protocol";
import { type BindAddress, formatAddress } from "./address.js";
import { addHealth, type PortHealth } from "./health.js";

/**
 * Largest request the control-plane services (registry, scheduler) accept. Their messages are small;
 * a cap well below the router's keeps a huge body from blocking the shared event loop while it decodes.
 */
export const CONTROL_PLANE_MAX_MESSAGE_BYTES = 1024 * 1024;

export interface GrpcBinding {
  /** Fully-qualified proto service name, used as the health-check service name. */
  readonly healthName: string;
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
  /** Largest request this service needs (default MAX_GRPC_MESSAGE_BYTES); a port takes its services' maximum. */
  readonly maxReceiveBytes?: number;
}

export interface BoundGrpcServer {
  readonly server: Server;
  readonly health: PortHealth;
  /** The actual bound address (port 0 resolved). */
  readonly address: BindAddress;
}

export async function bindGrpcServer(
  address: BindAddress,
  bindings: readonly GrpcBinding[],
  credentials: ServerCredentials = ServerCredentials.createInsecure(),
): Promise<BoundGrpcServer> {
  const maxReceive = Math.max(...bindings.map((b) => b.maxReceiveBytes ?? MAX_GRPC_MESSAGE_BYTES));
  const server = new Server({
    "grpc.max_receive_message_length": maxReceive,
    "grpc.max_send_message_length": MAX_GRPC_MESSAGE_BYTES,
  });
  for (const b of bindings) server.addService(b.definition, b.implementation);
  const health = addHealth(
    server,
    bindings.map((b) => b.healthName),
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(formatAddress(address), credentials, (err, bound) => {
      if (err) reject(new Error(`cannot bind gRPC ${formatAddress(address)}: ${err.message}`, { cause: err }));
      else resolve(bound);
    });
  });
  return { server, health, address: { host: address.host, port } };
}

/** Stops accepting calls, waits up to `graceMs` for running ones, then cancels what is left. */
export function shutdownGrpcServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    timer.unref();
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
