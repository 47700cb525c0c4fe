#!/usr/bin/env node
/** `sw4rm` executable entry point. */
import { processIo } from "./cli/io.js";
import { runCli } from "./cli/program.js";

const code = await runCli(process.argv.slice(2), processIo);
if (code !== 0) process.exitCode = code;
