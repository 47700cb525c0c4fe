/**
 * The server under fuzz: `sw4rm up` as a child process (so a crash is a process exit), and the
 * liveness check run after every batch: the process is alive and grpc.health.v1 answers SERVING for
 * each service on its port, within a deadline (a hung server fails the check instead of the test
 * timing out).
 */
import { spawnServer, type ChildServer } from "../../support/child.js";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";
import type { ServiceKey } from "./descriptors.js";
import { RawClient } from "./rawClient.js";
import { field } from "./wire.js";

export const HEALTH_NAMES: Readonly<Record<ServiceKey, string>> = {
  router: "sw4rm.router.RouterService",
  registry: "sw4rm.registry.RegistryService",
  scheduler: "sw4rm.scheduler.SchedulerService",
};

const HEALTH_CHECK = "/grpc.health.v1.Health/Check";
/** HealthCheckResponse { status: SERVING (1) } */
const SERVING = Buffer.from([0x08, 0x01]);

export interface FuzzServer {
  readonly child: ChildServer;
  readonly addresses: Readonly<Record<ServiceKey, string>>;
  /** One raw client per service port, shared by the fuzz runs. */
  readonly clients: Readonly<Record<ServiceKey, RawClient>>;
  alive(): boolean;
  /** Throws (naming what failed) unless the process is alive and every service is SERVING. */
  assertHealthy(context: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startFuzzServer(): Promise<FuzzServer> {
  const dir: TempDir = makeTempDir("sw4rm-fuzz-");
  const child = await spawnServer(
    [
      "up",
      "--data-dir",
      dir.path,
      "--router-addr",
      "127.0.0.1:0",
      "--registry-addr",
      "127.0.0.1:0",
      "--scheduler-addr",
      "127.0.0.1:0",
      "--no-admin",
      "--log-level",
      "warn",
    ],
    { timeoutMs: 30_000 },
  );
  const addr = (k: ServiceKey) => {
    const a = child.addresses[k];
    if (!a) throw new Error(`no ${k} address in "${child.readiness}"`);
    return a;
  };
  const addresses = { router: addr("router"), registry: addr("registry"), scheduler: addr("scheduler") };
  const clients = {
    router: new RawClient(addresses.router),
    registry: new RawClient(addresses.registry),
    scheduler: new RawClient(addresses.scheduler),
  };
  const alive = () => child.child.exitCode === null && child.child.signalCode === null;
  return {
    child,
    addresses,
    clients,
    alive,
    async assertHealthy(context) {
      if (!alive()) {
        const { exitCode, signalCode } = child.child;
        const tail = child.stderr().slice(-4000);
        throw new Error(`server process died ${context} (exit ${exitCode}, signal ${signalCode}); stderr tail:\n${tail}`);
      }
      // Fresh connections: the shared ones may have been torn down by the input itself.
      for (const key of Object.keys(addresses) as ServiceKey[]) {
        const probe = new RawClient(addresses[key]);
        try {
          for (const name of ["", HEALTH_NAMES[key]]) {
            const out = await probe.unary(HEALTH_CHECK, Buffer.from(field.string(1, name)), [], 5_000);
            if (out.kind !== "ok" || !out.bytes.equals(SERVING))
              throw new Error(`health of ${key} ("${name}") ${context}: ${JSON.stringify(out)}`);
          }
        } finally {
          probe.close();
        }
      }
    },
    async stop() {
      for (const c of Object.values(clients)) c.close();
      if (alive()) await child.stop("SIGTERM");
      dir.cleanup();
    },
  };
}
