/**
 * SIGINT (Ctrl-C) and SIGTERM (orchestrators) run `close` once, then the process exits 0, so neither npm
 * nor a supervisor reports a failure. A close that throws, or outlives `timeoutMs`, exits 1. Signals during
 * the close are ignored: under `npm start` each Ctrl-C arrives twice, from the terminal and forwarded by npm.
 */
export function closeOnSignals(close: (signal: NodeJS.Signals) => Promise<void>, timeoutMs: number): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: shutting down`);
    setTimeout(() => {
      console.error(`shutdown took longer than ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS); exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    close(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Resolves with true when `work` settles within `ms`, false when the time ran out first. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
