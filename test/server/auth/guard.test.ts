/**
 * The CallGuard contract other components use for checks inside message bodies (e.g. per envelope
 * on a streaming session): principal(call) is synchronous, re-checks expiry and revocation; and
 * checkActAs refuses acting as another agent (logged), lets admins through.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Metadata } from "@grpc/grpc-js";
import { GrpcStatus, ManualClock, Sw4rmError } from "@sw4rm/protocol";
import {
  Authenticator,
  AuthGuard,
  AUTHENTICATED_POLICY,
  type CallerInfo,
  JwtVerifier,
  TokenFile,
} from "@sw4rm/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";
import { type JwtKeys, sha256Hex, signJwt, writeJwtKeys, writeTokenFile } from "./support/credentials.js";
import { type CapturedLogger, captureLogger } from "./support/logCapture.js";

function caller(token?: string): CallerInfo {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
  return { metadata, getPeer: () => "ipv4:10.0.0.7:5555", getAuthContext: () => ({}) };
}

let dir: TempDir;
let keys: JwtKeys;
let clock: ManualClock;
let log: CapturedLogger;
let guard: AuthGuard;
let tokens: Record<string, string>;
let tokenFile: string;

beforeAll(() => {
  dir = makeTempDir("sw4rm-auth-guard-");
  keys = writeJwtKeys(dir.path);
});
afterAll(() => dir.cleanup());

beforeEach(() => {
  clock = new ManualClock();
  log = captureLogger();
  const file = writeTokenFile(dir.path, { alice: { agentId: "alice" }, ops: { admin: true } });
  tokens = file.tokens;
  tokenFile = file.path;
  const authenticator = new Authenticator({
    tokens: new TokenFile(file.path, { clock, logger: log.logger }),
    jwt: new JwtVerifier({ secretFile: keys.secretFile }, clock),
    mtls: false,
  });
  guard = new AuthGuard({ authenticator, clock, logger: log.logger });
});

function thrown(fn: () => unknown): Sw4rmError {
  try {
    fn();
  } catch (err) {
    if (Sw4rmError.is(err)) return err;
    throw err;
  }
  throw new Error("expected a throw");
}

describe("CallGuard.principal", () => {
  it("authenticates a token-file caller synchronously", () => {
    expect(guard.enabled).toBe(true);
    expect(guard.principal(caller(tokens.alice))).toEqual({ agentId: "alice", admin: false, method: "token" });
    expect(guard.principal(caller(tokens.ops))).toEqual({ agentId: "", admin: true, method: "token" });
  });

  it("throws UNAUTHENTICATED (logged) without credentials", () => {
    const err = thrown(() => guard.principal(caller()));
    expect(err.grpcStatus).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(log.refusals()).toContainEqual(
      expect.objectContaining({
        actor: "anonymous",
        peer: "ipv4:10.0.0.7:5555",
        reason: expect.stringMatching(/missing credentials/),
      }),
    );
  });

  it("knows a JWT caller once admitted, and stops trusting it when the JWT expires", async () => {
    const token = await signJwt(keys.secret, { sub: "alice" }, { exp: Math.floor(clock.now() / 1000) + 60 });
    const call = caller(token);
    expect(thrown(() => guard.principal(caller(token))).grpcStatus).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(await guard.admit(call, "/x.Session/Open", AUTHENTICATED_POLICY, undefined)).toBeUndefined();
    expect(guard.principal(call)).toEqual({ agentId: "alice", admin: false, method: "jwt" });
    clock.advance(60_000);
    const err = thrown(() => guard.principal(call));
    expect(err.grpcStatus).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(err.message).toMatch(/agent "alice" \(jwt\) expired at 2026-01-01T00:01:00\.000Z/);
  });

  it("stops trusting a call whose token was removed from the token file", async () => {
    const call = caller(tokens.alice);
    expect(await guard.admit(call, "/x.Session/Open", AUTHENTICATED_POLICY, undefined)).toBeUndefined();
    writeFileSync(tokenFile, JSON.stringify({ tokens: [{ agent_id: "bob", sha256: sha256Hex("b".repeat(20)) }] }));
    clock.advance(1_000);
    expect(thrown(() => guard.principal(call)).message).toMatch(/was revoked/);
  });
});

describe("CallGuard.checkActAs", () => {
  const alice = { agentId: "alice", admin: false, method: "token" };

  it("lets an agent act as itself and an admin act as anyone", () => {
    expect(guard.checkActAs(alice, "alice", "send")).toBeUndefined();
    expect(guard.checkActAs({ agentId: "", admin: true, method: "jwt" }, "bob", "send")).toBeUndefined();
  });

  it("returns PERMISSION_DENIED for another agent and logs actor, target, action and reason", () => {
    const err = guard.checkActAs(alice, "bob", "send an envelope");
    expect(err?.grpcStatus).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(err?.message).toMatch(/agent "alice" \(token\) may not send an envelope as agent "bob"/);
    expect(log.refusals()).toContainEqual(
      expect.objectContaining({ actor: "alice", target: "bob", action: "send an envelope", status: "permission_denied" }),
    );
  });

  it("returns UNAUTHENTICATED without a principal", () => {
    expect(guard.checkActAs(undefined, "bob", "send")?.grpcStatus).toBe(GrpcStatus.UNAUTHENTICATED);
  });
});

describe("token file format", () => {
  it("refuses a broken token file at start-up, naming the file and the entry", () => {
    const bad = join(dir.path, "bad.json");
    writeFileSync(bad, JSON.stringify({ tokens: [{ agent_id: "a", sha256: "xyz" }] }));
    expect(() => new TokenFile(bad, { clock, logger: log.logger })).toThrow(
      /token file .*bad\.json: tokens\[0\]\.sha256 must be 64 hex digits/,
    );
    writeFileSync(bad, JSON.stringify({ tokens: [{ sha256: sha256Hex("x") }] }));
    expect(() => new TokenFile(bad, { clock, logger: log.logger })).toThrow(/agent_id is required/);
    writeFileSync(bad, JSON.stringify({ tokens: [{ agent_id: "a", token: "short" }] }));
    expect(() => new TokenFile(bad, { clock, logger: log.logger })).toThrow(/at least 16 characters/);
    expect(() => new TokenFile(join(dir.path, "missing.json"), { clock, logger: log.logger })).toThrow(
      /cannot read token file/,
    );
  });
});
