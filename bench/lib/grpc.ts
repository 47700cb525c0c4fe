/** grpc-js channels for the bench clients: the generated clients, one TCP connection per client. */
import { type ChannelOptions, credentials, type ServiceError } from "@grpc/grpc-js";
import { MAX_GRPC_MESSAGE_BYTES, RegistryServiceClient, RouterServiceClient } from "@sw4rm/protocol";

/**
 * A local subchannel pool gives each client its own connection; without it grpc-js shares one
 * connection among all clients of a target, and 1000 streams would sit on one HTTP/2 session.
 */
export const CHANNEL_OPTIONS: ChannelOptions = {
  "grpc.max_receive_message_length": MAX_GRPC_MESSAGE_BYTES,
  "grpc.max_send_message_length": MAX_GRPC_MESSAGE_BYTES,
  "grpc.use_local_subchannel_pool": 1,
};

export function routerClient(address: string): RouterServiceClient {
  return new RouterServiceClient(address, credentials.createInsecure(), CHANNEL_OPTIONS);
}

export function registryClient(address: string): RegistryServiceClient {
  return new RegistryServiceClient(address, credentials.createInsecure(), CHANNEL_OPTIONS);
}

/** Promise over a unary call: `await unary<Res>((cb) => client.method(req, cb))`. */
export function unary<Res>(invoke: (callback: (error: ServiceError | null, response: Res) => void) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    invoke((err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Resolves once the client's channel is connected (or rejects after `timeoutMs`). */
export function ready(client: { waitForReady(deadline: Date, cb: (error?: Error) => void): void }, timeoutMs = 10_000) {
  return new Promise<void>((resolve, reject) => {
    client.waitForReady(new Date(Date.now() + timeoutMs), (error) => (error ? reject(error) : resolve()));
  });
}
