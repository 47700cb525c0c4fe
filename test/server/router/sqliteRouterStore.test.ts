import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteRouterStore } from "../../../packages/server/src/services/router/index.js";
import { runRouterStoreSuite } from "./routerStoreSuite.js";

runRouterStoreSuite("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sw4rm-store-"));
  let store = SqliteRouterStore.inDir(dir);
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = SqliteRouterStore.inDir(dir);
      return store;
    },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, { persistent: true });
