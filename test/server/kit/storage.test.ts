/** The storage provider: backend chosen once, one file convention, legacy names adopted, memory stacks. */
import { existsSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AckStage, MessageType, systemClock } from "@sw4rm/protocol";
import { Agent } from "@sw4rm/sdk";
import { createLogger, DIRECTORY, SqliteRegistryStore } from "@sw4rm/server";
import { startTestStack } from "@sw4rm/testing";
import { afterEach, describe, expect, it } from "vitest";
import { registerAgents } from "../../support/agents.js";
import { makeTempDir, type TempDir } from "../../support/tempDir.js";
import { createStorageProvider } from "../../../packages/server/src/storage/provider.js";

const logger = createLogger({ level: "silent" });

describe("storage provider", () => {
  let dir: TempDir | undefined;
  afterEach(() => dir?.cleanup());

  it("opens <name>.sqlite in the data dir and describes it", async () => {
    dir = makeTempDir();
    const provider = createStorageProvider({ backend: "sqlite" }, dir.path, logger);
    try {
      const store = await provider.open("registry", {
        memory: () => {
          throw new Error("not the memory backend");
        },
        sqlite: (file) => new SqliteRegistryStore(file),
      });
      await store.close();
      expect(existsSync(join(dir.path, "registry.sqlite"))).toBe(true);
      expect(provider.describe("registry")).toBe(`registry.sqlite in ${dir.path}`);
      await expect(provider.open("Bad/Name", { memory: () => 1, sqlite: () => 1 })).rejects.toThrow(
        'store name "Bad/Name" must be a plain lowercase name',
      );
    } finally {
      provider.close();
    }
  });

  it("adopts a store file of the old <name>.db convention, with its data", async () => {
    dir = makeTempDir();
    const first = await startTestStack({ dataDir: dir.path });
    await registerAgents(first.registryAddr, "kept");
    await first.stop();
    // What an older version left: registry.db instead of registry.sqlite.
    renameSync(join(dir.path, "registry.sqlite"), join(dir.path, "registry.db"));
    const second = await startTestStack({ dataDir: dir.path });
    try {
      expect(second.get(DIRECTORY)?.get("kept")).toBeDefined();
      expect(existsSync(join(dir.path, "registry.db"))).toBe(false);
      expect(existsSync(join(dir.path, "registry.sqlite"))).toBe(true);
    } finally {
      await second.stop();
    }
  });

  it("refuses to guess when both the old and the new file exist", async () => {
    dir = makeTempDir();
    writeFileSync(join(dir.path, "registry.db"), "");
    writeFileSync(join(dir.path, "registry.sqlite"), "");
    await expect(startTestStack({ dataDir: dir.path })).rejects.toThrow(
      /both .*registry\.db and .*registry\.sqlite exist: keep the one with your data and move the other away/,
    );
  });
});

describe("memory backend", () => {
  it("runs the whole stack with an agent round trip, and keeps nothing across a restart", async () => {
    const stack = await startTestStack({ backend: "memory", clock: systemClock });
    const greeter = new Agent({ agentId: "greeter", name: "Greeter", ...stack.agentAddresses() });
    greeter.on(MessageType.DATA, (msg) => `hello, ${msg.text()}`);
    const caller = new Agent({ agentId: "caller", name: "Caller", ...stack.agentAddresses() });
    try {
      await greeter.start();
      await caller.start();
      const reply = await caller.sendAndWait(
        { messageType: MessageType.DATA, payload: "world", contentType: "text/plain" },
        { to: "greeter", until: AckStage.FULFILLED },
      );
      expect(reply.ack.note).toBe("hello, world");
      expect(stack.config.storage.backend).toBe("memory");
    } finally {
      await caller.stop();
      await greeter.stop();
    }
    await stack.restart();
    try {
      expect(stack.get(DIRECTORY)?.list()).toEqual([]);
    } finally {
      await stack.cleanup();
    }
  });
});
