/** Starts the bare echo server as a child process (run through tsx, like the bench itself). */
import { fileURLToPath } from "node:url";
import { type ReadyChild, readinessFields, spawnReady } from "../childProcess.js";
import { ECHO_READY_PREFIX } from "./echoService.js";

const MAIN = fileURLToPath(new URL("./echoServerMain.ts", import.meta.url));

export interface EchoServer {
  readonly process: ReadyChild;
  readonly address: string;
}

export async function startEchoServer(): Promise<EchoServer> {
  const child = await spawnReady({
    script: MAIN,
    nodeArgs: ["--import", import.meta.resolve("tsx")],
    readyPrefix: ECHO_READY_PREFIX,
  });
  const address = readinessFields(child.readyLine).addr;
  if (!address) {
    await child.stop("SIGKILL");
    throw new Error(`echo server readiness line without addr: ${child.readyLine}`);
  }
  return { process: child, address };
}
