/** `sw4rm agents`: registered agents. */
import type { Command } from "commander";
import { adminCommand, type CommonFlags, endpointOf, printResult } from "../../cli/adminCommand.js";
import { adminJson } from "../../cli/client.js";
import type { CliIo } from "../../cli/io.js";
import { formatTable } from "../../cli/table.js";
import type { AgentView } from "./views.js";

export function registerRegistryCommands(program: Command, io: CliIo): void {
  adminCommand(program.command("agents").description("list registered agents (state, availability, class)")).action(
    async (flags: CommonFlags) => {
      const body = await adminJson<{ agents: AgentView[] }>(endpointOf(flags, io), "/v1/agents");
      printResult(io, flags, body, () =>
        formatTable(
          ["AGENT_ID", "NAME", "STATE", "AVAILABLE", "CLASS", "LAST_HEARTBEAT"],
          body.agents.map((a) => [
            a.agent_id,
            a.name,
            a.state,
            a.available ? "yes" : "no",
            a.communication_class,
            a.last_heartbeat_at,
          ]),
        ),
      );
    },
  );
}
