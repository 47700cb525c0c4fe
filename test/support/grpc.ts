/** Generated gRPC clients against a test server, and small promise helpers around them. */
import { type Client, credentials, type ServiceError } from "@grpc/grpc-js";
import { MAX_GRPC_MESSAGE_BYTES, RegistryServiceClient, RouterServiceClient } from "@sw4rm/protocol";

const OPTIONS = {
  "grpc.max_receive_message_length": MAX_GRPC_MESSAGE_BYTES,
  "grpc.max_send_message_length": MAX_GRPC_MESSAGE_BYTES,
};

export function registryClient(address: string): RegistryServiceClient {
  return new RegistryServiceClient(address, credentials.createInsecure(), OPTIONS);
}

export function routerClient(address: string): RouterServiceClient {
  return new RouterServiceClient(address, credentials.createInsecure(), OPTIONS);
}

/**
 * Promise over a unary call: `await unary<RegisterAgentResponse>((cb) => client.registerAgent(req, cb))`.
 * (A generic wrapper taking the method cannot infer types through grpc-js's overloads.)
 */
export function unary<Res>(
  invoke: (callback: (error: ServiceError | null, response: Res) => void) => unknown,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    invoke((err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Closes clients, ignoring ones already closed. */
export function closeClients(...clients: Client[]): void {
  for (const c of clients) c.close();
}
