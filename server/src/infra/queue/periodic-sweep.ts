/**
 * Runs `sweep` every `intervalMs`, never two at once, until stopped. Workers reconcile the queue with the
 * database this way, so work whose job was lost (Redis restarted empty, an enqueue cut off after its commit)
 * runs again without any process restarting. A failed sweep is reported and tried again next interval.
 */
export class PeriodicSweep {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;

  constructor(
    private readonly sweep: () => Promise<unknown>,
    intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => this.runOnce(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep in progress, so nothing is enqueued into a closing queue. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private runOnce(): void {
    if (this.running) return;
    this.running = this.sweep()
      .then(() => undefined, this.onError)
      .finally(() => {
        this.running = undefined;
      });
  }
}
