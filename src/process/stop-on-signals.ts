/**
 * The shutdown half of `npm start` and `npm run worker`: the first SIGTERM/SIGINT starts
 * a graceful close (running renders finish or are re-queued), then the process exits
 * 0 — or 1 if closing failed. Later signals are ignored while it closes.
 */
export function stopOnSignals(target: {
  logger: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  close(): Promise<void>;
}): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    target.logger.info({ signal }, 'shutting down: finishing running renders');
    target
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        target.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
