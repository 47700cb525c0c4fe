/** The `sw4rm` command tree (commander). Kept apart from cli.ts so it can be built in tests. */

import { PROTOCOL_VERSION } from "@sw4rm/protocol";
import { Command } from "commander";
import { SERVICE_CATALOG } from "../services/catalog.js";
import { registerDoctor } from "./doctor.js";
import type { CliIo } from "./io.js";
import { registerUp } from "./up.js";

export function createProgram(io: CliIo): Command {
  const program = new Command("sw4rm")
    .description(`SW4RM ${PROTOCOL_VERSION} server and admin tools`)
    .version("0.1.0")
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerUp(program, io);
  for (const entry of SERVICE_CATALOG) entry.cli?.(program, io);
  registerDoctor(program, io);
  return program;
}

/** Runs the CLI; returns the exit code for failures (successful `up` keeps the process alive). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await createProgram(io).parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    io.err(`sw4rm: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
