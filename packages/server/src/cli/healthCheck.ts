/** A one-shot grpc.health.v1 Check with a deadline, classified for humans. */
import {
  type ChannelCredentials,
  credentials,
  makeClientConstructor,
  type ServiceDefinition,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";

interface HealthClient {
  check(
    request: { service: string },
    options: { deadline: number },
    callback: (err: ServiceError | null, res: { status: string }) => void,
  ): void;
  close(): void;
}

export type HealthVerdict = "SERVING" | "NOT_SERVING" | "NOT_HOSTED" | "UNREACHABLE" | "ERROR";

export interface HealthResult {
  readonly verdict: HealthVerdict;
  readonly detail: string;
}

const HealthCtor = makeClientConstructor(healthService as unknown as ServiceDefinition, "grpc.health.v1.Health");

export async function checkServiceHealth(
  target: string,
  service: string,
  timeoutMs: number,
  channelCredentials: ChannelCredentials = credentials.createInsecure(),
): Promise<HealthResult> {
  const client = new HealthCtor(target, channelCredentials) as unknown as HealthClient;
  try {
    return await new Promise<HealthResult>((resolve) => {
      client.check({ service }, { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (!err) {
          resolve({ verdict: res.status === "SERVING" ? "SERVING" : "NOT_SERVING", detail: res.status });
        } else if (err.code === status.NOT_FOUND) {
          resolve({ verdict: "NOT_HOSTED", detail: "a gRPC server answers there but does not host this service" });
        } else if (err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED) {
          resolve({ verdict: "UNREACHABLE", detail: err.details || err.message });
        } else {
          resolve({ verdict: "ERROR", detail: `${status[err.code] ?? err.code}: ${err.details || err.message}` });
        }
      });
    });
  } finally {
    client.close();
  }
}
