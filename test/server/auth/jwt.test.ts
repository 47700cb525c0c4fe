/**
 * Bearer JWTs over real gRPC: HS256 (shared secret file), RS256/ES256 (PEM public key, JWKS),
 * exp/nbf against the injected ManualClock, issuer/audience, the admin claim, and the refusals.
 */
import { generateKeyPairSync } from "node:crypto";
import { GrpcStatus, ManualClock } from "@sw4rm/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";
import { type AuthTestServer, startAuthServer } from "./support/authServer.js";
import { type Clients, clients, heartbeat, register, statusOf } from "./support/clients.js";
import { type JwtKeys, signJwt, writeJwtKeys } from "./support/credentials.js";

let dir: TempDir;
let keys: JwtKeys;
beforeAll(() => {
  dir = makeTempDir("sw4rm-auth-jwt-");
  keys = writeJwtKeys(dir.path);
});
afterAll(() => dir?.cleanup());

async function withServer(
  auth: NonNullable<Parameters<typeof startAuthServer>[0]>["auth"],
  body: (server: AuthTestServer, c: Clients, clock: ManualClock) => Promise<void>,
) {
  const clock = new ManualClock();
  const server = await startAuthServer({ auth, clock });
  const c = clients(server);
  try {
    await body(server, c, clock);
  } finally {
    c.close();
    await server.cleanup();
  }
}

const nowSec = (clock: ManualClock) => Math.floor(clock.now() / 1000);

describe("HS256 with a shared secret file", () => {
  let server: AuthTestServer;
  let c: Clients;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock();
    server = await startAuthServer({ auth: { jwt: { secretFile: keys.secretFile } }, clock });
    c = clients(server);
  });
  afterAll(async () => {
    c?.close();
    await server?.cleanup();
  });

  it("accepts a valid token: sub is the agent id", async () => {
    const token = await signJwt(keys.secret, { sub: "alice" }, { exp: nowSec(clock) + 600 });
    expect(await register(c, token, "alice")).toMatchObject({ accepted: true });
  });

  it("refuses a token signed with another secret (bad signature) with UNAUTHENTICATED", async () => {
    const token = await signJwt(new TextEncoder().encode("x".repeat(48)), { sub: "alice" });
    const res = await heartbeat(c, token, "alice");
    expect(statusOf(res)).toBe(GrpcStatus.UNAUTHENTICATED);
    expect((res as Error).message).toMatch(/signature does not verify/);
  });

  it("refuses a tampered payload", async () => {
    const token = await signJwt(keys.secret, { sub: "alice" });
    const [h, , s] = token.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: "bob", sw4rm_admin: true })).toString("base64url")}.${s}`;
    expect(statusOf(await heartbeat(c, forged, "bob"))).toBe(GrpcStatus.UNAUTHENTICATED);
  });

  it("enforces exp with the injected clock: valid before, UNAUTHENTICATED after", async () => {
    const token = await signJwt(keys.secret, { sub: "alice" }, { exp: nowSec(clock) + 60 });
    expect(await heartbeat(c, token, "alice")).toEqual({ ok: true });
    clock.advance(61_000);
    const res = await heartbeat(c, token, "alice");
    expect(statusOf(res)).toBe(GrpcStatus.UNAUTHENTICATED);
    expect((res as Error).message).toMatch(/expired.*get a fresh token/);
  });

  it("enforces nbf with the injected clock", async () => {
    const token = await signJwt(keys.secret, { sub: "alice" }, { nbf: nowSec(clock) + 30 });
    expect(statusOf(await heartbeat(c, token, "alice"))).toBe(GrpcStatus.UNAUTHENTICATED);
    clock.advance(31_000);
    expect(await heartbeat(c, token, "alice")).toEqual({ ok: true });
  });

  it("refuses a token without sub", async () => {
    const res = await heartbeat(c, await signJwt(keys.secret, { role: "x" }), "alice");
    expect(statusOf(res)).toBe(GrpcStatus.UNAUTHENTICATED);
    expect((res as Error).message).toMatch(/no "sub" claim/);
  });

  it("refuses alg none and RS256 tokens (only HS256 is configured)", async () => {
    const b64 = (json: string) => Buffer.from(json).toString("base64url");
    const none = `${b64('{"alg":"none"}')}.${b64('{"sub":"alice"}')}.`;
    expect(statusOf(await heartbeat(c, none, "alice"))).toBe(GrpcStatus.UNAUTHENTICATED);
    const rs = await signJwt(keys.rsa.privateKey, { sub: "alice" }, { alg: "RS256" });
    expect(statusOf(await heartbeat(c, rs, "alice"))).toBe(GrpcStatus.UNAUTHENTICATED);
  });

  it("an agent JWT acts only as its sub; an admin JWT (sw4rm_admin or scope) acts as anyone", async () => {
    const agent = await signJwt(keys.secret, { sub: "alice" });
    expect(statusOf(await register(c, agent, "bob"))).toBe(GrpcStatus.PERMISSION_DENIED);
    const admin = await signJwt(keys.secret, { sub: "ops", sw4rm_admin: true });
    expect(await register(c, admin, "bob")).toMatchObject({ accepted: true });
    const scoped = await signJwt(keys.secret, { sub: "ops", scope: "read sw4rm:admin" });
    expect(await heartbeat(c, scoped, "bob")).toEqual({ ok: true });
    const notAdmin = await signJwt(keys.secret, { sub: "ops", sw4rm_admin: "true", scope: "sw4rm:admins" });
    expect(statusOf(await heartbeat(c, notAdmin, "bob"))).toBe(GrpcStatus.PERMISSION_DENIED);
  });

  it("logs JWT refusals with the reason", () => {
    expect(server.log.refusals()).toContainEqual(
      expect.objectContaining({ actor: "anonymous", reason: expect.stringMatching(/expired/) }),
    );
    expect(server.log.refusals()).toContainEqual(
      expect.objectContaining({ actor: "alice", credential: "jwt", status: "permission_denied" }),
    );
  });
});

describe("issuer and audience", () => {
  it("requires the configured iss and aud", async () => {
    await withServer(
      { jwt: { secretFile: keys.secretFile, issuer: "https://idp.example", audience: "sw4rm" } },
      async (_s, c) => {
        const ok = await signJwt(keys.secret, { sub: "alice" }, { iss: "https://idp.example", aud: "sw4rm" });
        expect(await register(c, ok, "alice")).toMatchObject({ accepted: true });
        const wrongIss = await signJwt(keys.secret, { sub: "alice" }, { iss: "https://evil.example", aud: "sw4rm" });
        const res = await heartbeat(c, wrongIss, "alice");
        expect(statusOf(res)).toBe(GrpcStatus.UNAUTHENTICATED);
        expect((res as Error).message).toMatch(/claim "iss"/);
        const noAud = await signJwt(keys.secret, { sub: "alice" }, { iss: "https://idp.example" });
        expect(statusOf(await heartbeat(c, noAud, "alice"))).toBe(GrpcStatus.UNAUTHENTICATED);
      },
    );
  });
});

describe("RS256 / ES256 with public keys", () => {
  it("verifies RS256 with a PEM public key and refuses HS256 signed with that public key (alg confusion)", async () => {
    await withServer({ jwt: { publicKeyFile: keys.rsa.publicFile } }, async (_s, c) => {
      const ok = await signJwt(keys.rsa.privateKey, { sub: "alice" }, { alg: "RS256" });
      expect(await register(c, ok, "alice")).toMatchObject({ accepted: true });
      const confused = await signJwt(new TextEncoder().encode(keys.rsa.publicPem), { sub: "alice" }, { alg: "HS256" });
      expect(statusOf(await heartbeat(c, confused, "alice"))).toBe(GrpcStatus.UNAUTHENTICATED);
      const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
      const wrongKey = await signJwt(other, { sub: "alice" }, { alg: "RS256" });
      expect(statusOf(await heartbeat(c, wrongKey, "alice"))).toBe(GrpcStatus.UNAUTHENTICATED);
    });
  });

  it("verifies ES256 with a PEM public key", async () => {
    await withServer({ jwt: { publicKeyFile: keys.ec.publicFile } }, async (_s, c) => {
      const ok = await signJwt(keys.ec.privateKey, { sub: "alice" }, { alg: "ES256" });
      expect(await register(c, ok, "alice")).toMatchObject({ accepted: true });
    });
  });

  it("picks keys from a JWKS by kid, and accepts a shared secret alongside", async () => {
    await withServer({ jwt: { publicKeyFile: keys.jwksFile, secretFile: keys.secretFile } }, async (_s, c) => {
      const rs = await signJwt(keys.rsa.privateKey, { sub: "alice" }, { alg: "RS256", kid: "rsa-1" });
      expect(await register(c, rs, "alice")).toMatchObject({ accepted: true });
      const es = await signJwt(keys.ec.privateKey, { sub: "alice" }, { alg: "ES256", kid: "ec-1" });
      expect(await heartbeat(c, es, "alice")).toEqual({ ok: true });
      const hs = await signJwt(keys.secret, { sub: "alice" });
      expect(await heartbeat(c, hs, "alice")).toEqual({ ok: true });
      const unknownKid = await signJwt(keys.ec.privateKey, { sub: "alice" }, { alg: "ES256", kid: "nope" });
      expect(statusOf(await heartbeat(c, unknownKid, "alice"))).toBe(GrpcStatus.UNAUTHENTICATED);
    });
  });
});
