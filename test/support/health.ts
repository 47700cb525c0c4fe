/** grpc.health.v1 Check client for tests. */
import { credentials, makeClientConstructor, type ServiceDefinition, type ServiceError } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";

interface HealthClient {
  check(request: { service: string }, callback: (err: ServiceError | null, res: { status: string }) => void): void;
  close(): void;
}

/** Returns "SERVING" | "NOT_SERVING" | "UNKNOWN", or rejects (e.g. NOT_FOUND for an unknown service name). */
export async function checkHealth(address: string, service = ""): Promise<string> {
  const Ctor = makeClientConstructor(healthService as unknown as ServiceDefinition, "grpc.health.v1.Health");
  const client = new Ctor(address, credentials.createInsecure()) as unknown as HealthClient;
  try {
    return await new Promise((resolve, reject) => {
      client.check({ service }, (err, res) => (err ? reject(err) : resolve(res.status)));
    });
  } finally {
    client.close();
  }
}
