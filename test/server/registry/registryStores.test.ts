import { join } from "node:path";
import { MemoryRegistryStore, SqliteRegistryStore } from "@sw4rm/server";
import { afterAll } from "vitest";
import { makeTempDir } from "../../support/index.js";
import { runRegistryStoreSuite } from "./registryStoreSuite.js";

const dir = makeTempDir();
afterAll(() => dir.cleanup());
let n = 0;
let last = "";

runRegistryStoreSuite("sqlite", {
  make: () => {
    last = join(dir.path, `registry-${n++}.db`);
    return new SqliteRegistryStore(last);
  },
  reopen: () => new SqliteRegistryStore(last),
});

runRegistryStoreSuite("memory", { make: () => new MemoryRegistryStore() });
