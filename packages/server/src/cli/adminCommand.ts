/** What every admin CLI command shares: --admin/--token/--token-file/--json, the endpoint, printing. */
import { type Command, Option } from "commander";
import { type AdminEndpoint, adminBaseUrl, adminToken, DEFAULT_ADMIN_URL } from "./client.js";
import type { CliIo } from "./io.js";

export interface CommonFlags {
  readonly admin?: string;
  readonly json?: boolean;
  readonly token?: string;
  readonly tokenFile?: string;
}

/** Adds the flags every admin command takes. */
export function adminCommand(cmd: Command): Command {
  return cmd
    .addOption(new Option("--admin <url>", `admin API base URL (env: SW4RM_ADMIN_ADDR; default ${DEFAULT_ADMIN_URL})`))
    .option("--token <token>", "admin bearer credential when the server authenticates callers (env: SW4RM_TOKEN)")
    .option("--token-file <file>", "read the admin bearer credential from this file (env: SW4RM_TOKEN_FILE)")
    .option("--json", "print the JSON response");
}

export function endpointOf(flags: CommonFlags, io: CliIo): AdminEndpoint {
  const token = adminToken(flags, io.env);
  return { url: adminBaseUrl(flags.admin, io.env), ...(token !== undefined ? { token } : {}) };
}

/** Prints the body as JSON (with --json) or the human rendering. */
export function printResult(io: CliIo, flags: CommonFlags, body: unknown, human: () => string): void {
  io.out(flags.json ? `${JSON.stringify(body, null, 2)}\n` : human());
}
