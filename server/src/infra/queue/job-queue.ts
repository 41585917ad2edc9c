/** A unit of work: queue messages carry ids only, the database holds the state. */
export interface QueueJob<Data> {
  id: string;
  data: Data;
  /** 1 on the first run, 2 on the first retry... */
  attempt: number;
}

export type JobHandler<Data> = (job: QueueJob<Data>) => Promise<void>;

export interface QueueOptions {
  /** Jobs in flight per process. */
  concurrency: number;
  /** Runs per job, the first included. */
  attempts: number;
  /** First retry delay; doubles on each further retry. */
  backoffMs: number;
  /** At most `max` job starts per `durationMs` (the provider's rate), per queue. */
  limiter?: { max: number; durationMs: number };
}

export interface NewJob<Data> {
  id: string;
  data: Data;
  delayMs?: number;
}

/**
 * One named queue, the same contract whether jobs run in this process (inline
 * driver) or on Bull workers. Adding a job whose id is already waiting, delayed
 * or running does nothing, so enqueueing is idempotent.
 */
export interface JobQueue<Data> {
  readonly name: string;
  addBulk(jobs: Array<NewJob<Data>>): Promise<void>;
  /** Starts consuming jobs in this process. */
  process(handler: JobHandler<Data>): void;
  /** Ids of jobs waiting, delayed or running: what the recovery sweep must not enqueue again. */
  heldJobIds(): Promise<Set<string>>;
  /**
   * Stops taking jobs and waits up to `graceMs` for the running ones. A job still running after that is
   * left behind: on Bull its lock lapses and another worker's stalled check runs it again; inline, the
   * slot stays claimed in the database and the next start's reconciliation enqueues it.
   */
  close(graceMs: number): Promise<void>;
}

export interface QueueDriver {
  readonly kind: 'inline' | 'bull';
  queue<Data>(name: string, options: QueueOptions): JobQueue<Data>;
  close(graceMs: number): Promise<void>;
}

/** Exponential backoff with up to 25% jitter, as both drivers use it. */
export function retryDelayMs(options: Pick<QueueOptions, 'backoffMs'>, failedAttempt: number): number {
  const base = options.backoffMs * 2 ** (failedAttempt - 1);
  return Math.round(base * (1 + Math.random() * 0.25));
}
