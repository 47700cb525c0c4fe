/** Writes docs/config-reference.md from the config schema (`npm run docs:config`); `--check` fails on drift. */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configReference } from "../packages/server/src/process/configReference.js";

const file = fileURLToPath(new URL("../docs/config-reference.md", import.meta.url));
const text = configReference();
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {
    // missing: out of date
  }
  if (current !== text) {
    console.error("docs/config-reference.md is out of date: run `npm run docs:config`");
    process.exit(1);
  }
} else writeFileSync(file, text);
