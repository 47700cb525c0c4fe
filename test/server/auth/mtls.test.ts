/**
 * mTLS: the server requires a client certificate chained to its CA (--tls-require-client-cert); the
 * certificate's URI SAN sw4rm://agent/<id> or subject CN is the caller. Certificates are generated
 * at test time with the openssl CLI (skipped when it is missing).
 */
import { DIRECTORY } from "@sw4rm/server";
import { ChannelCredentials, credentials as insecure, Metadata, type ServiceError } from "@grpc/grpc-js";
import {
  AckStage,
  GrpcStatus,
  MessageType,
  type RegisterAgentResponse,
  RegistryServiceClient,
  systemClock,
} from "@sw4rm/protocol";
import { Agent, type TlsOptions } from "@sw4rm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { descriptor } from "../../support/agents.js";
import { runCli } from "../../support/child.js";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";
import { type AuthTestServer, startAuthServer } from "./support/authServer.js";
import { call, statusOf } from "./support/clients.js";
import { type CertFiles, makePki, opensslAvailable, type Pki } from "./support/pki.js";

const HAVE_OPENSSL = opensslAvailable();

describe.skipIf(!HAVE_OPENSSL)("mTLS client certificates", () => {
  let dir: TempDir;
  let pki: Pki;
  let server: AuthTestServer;
  let alice: CertFiles;
  let bob: CertFiles;
  let admin: CertFiles;

  beforeAll(async () => {
    dir = makeTempDir("sw4rm-auth-mtls-");
    pki = makePki(dir.path);
    alice = pki.client("alice", "alice");
    bob = pki.client("bob", "bobs-laptop", ["URI:sw4rm://agent/bob"]);
    admin = pki.client("ops", "ops", ["URI:sw4rm://admin/ops"]);
    server = await startAuthServer({
      clock: systemClock,
      tls: { certFile: pki.server.cert, keyFile: pki.server.key, caFile: pki.ca.cert, requireClientCert: true },
    });
  });
  afterAll(async () => {
    await server?.cleanup();
    dir?.cleanup();
  });

  const creds = (client?: CertFiles) =>
    ChannelCredentials.createSsl(
      pki.read(pki.ca.cert),
      client ? pki.read(client.key) : null,
      client ? pki.read(client.cert) : null,
    );
  const tls = (client: CertFiles): TlsOptions => ({ ca: pki.ca.cert, cert: client.cert, key: client.key });

  async function registerWith(credentials: ChannelCredentials, agentId: string) {
    const registry = new RegistryServiceClient(server.registryAddr, credentials);
    try {
      return await call<RegisterAgentResponse>((cb) =>
        registry.registerAgent({ agent: descriptor(agentId) }, new Metadata(), { deadline: Date.now() + 5_000 }, cb),
      );
    } finally {
      registry.close();
    }
  }

  it("refuses a client without a certificate at the TLS handshake", async () => {
    const res = await registerWith(creds(), "alice");
    expect(statusOf(res)).toBe(GrpcStatus.UNAVAILABLE);
    expect(server.get(DIRECTORY)?.get("alice")).toBeUndefined();
  });

  it("refuses a certificate from an untrusted CA, and plaintext clients", async () => {
    const rogue = pki.untrustedClient("rogue", "alice");
    expect(statusOf(await registerWith(creds(rogue), "alice"))).toBe(GrpcStatus.UNAVAILABLE);
    expect(statusOf(await registerWith(insecure.createInsecure(), "alice"))).toBe(GrpcStatus.UNAVAILABLE);
  });

  it("takes the agent id from the CN: alice registers as alice, not as bob", async () => {
    expect(await registerWith(creds(alice), "alice")).toMatchObject({ accepted: true });
    const res = await registerWith(creds(alice), "bob");
    expect(statusOf(res)).toBe(GrpcStatus.PERMISSION_DENIED);
    expect((res as ServiceError).details).toMatch(/agent "alice" \(mtls\)/);
  });

  it("takes the agent id from a sw4rm://agent/<id> URI SAN over the CN", async () => {
    expect(statusOf(await registerWith(creds(bob), "bobs-laptop"))).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(await registerWith(creds(bob), "bob")).toMatchObject({ accepted: true });
  });

  it("treats a sw4rm://admin/<id> URI SAN as an admin", async () => {
    expect(await registerWith(creds(admin), "anyone")).toMatchObject({ accepted: true });
  });

  it("runs SDK agents end to end with their client certificates (CN = agent id)", async () => {
    const addrs = { routerAddress: server.routerAddr, registryAddress: server.registryAddr };
    const echo = new Agent({ agentId: "alice", name: "Echo", ...addrs, client: { tls: tls(alice) } }).on(
      MessageType.DATA,
      (m) => `echo:${m.text()}`,
    );
    const sender = new Agent({ agentId: "bob", name: "Sender", ...addrs, client: { tls: tls(bob) } });
    await echo.start();
    await sender.start();
    try {
      const ev = await sender.sendAndWait(
        { messageType: MessageType.DATA, payload: "over mtls" },
        { to: "alice", until: AckStage.FULFILLED },
      );
      expect(ev.ack.note).toBe("echo:over mtls");
    } finally {
      await sender.stop();
      await echo.stop();
    }
  });

  it("sw4rm doctor checks health over mTLS with --tls-ca/--tls-cert/--tls-key", async () => {
    const env = { SW4RM_ROUTER_ADDR: server.routerAddr, SW4RM_REGISTRY_ADDR: server.registryAddr, SW4RM_TLS_CA_FILE: "" };
    type Rows = { services: { service: string; verdict: string }[] };
    const verdict = (out: string, service: string) =>
      (JSON.parse(out) as Rows).services.find((r) => r.service === service)?.verdict;
    const ok = await runCli(
      ["doctor", "--json", "--timeout-ms", "3000", "--tls-ca", pki.ca.cert, "--tls-cert", alice.cert, "--tls-key", alice.key],
      { env },
    );
    expect(verdict(ok.stdout, "router")).toBe("SERVING");
    expect(verdict(ok.stdout, "registry")).toBe("SERVING");
    const plain = await runCli(["doctor", "--json", "--timeout-ms", "3000"], { env });
    expect(plain.code).toBe(1);
    expect(verdict(plain.stdout, "router")).toBe("UNREACHABLE");
  });

  it("logs certificate identities in refusals", () => {
    expect(server.log.refusals()).toContainEqual(
      expect.objectContaining({ actor: "alice", credential: "mtls", status: "permission_denied" }),
    );
  });
});
