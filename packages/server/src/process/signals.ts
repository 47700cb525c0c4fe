/** SIGTERM/SIGINT → graceful stop and exit 0; a second signal exits at once (operator insists). */
import type { Logger } from "../contracts.js";

export function stopOnSignals(
  stop: () => Promise<void>,
  logger: Logger,
  exit: (code: number) => void = process.exit,
): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting without waiting");
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, "signal received: stopping");
    stop().then(
      () => exit(0),
      (err: unknown) => {
        logger.error({ err }, "error during shutdown");
        exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
