import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderName } from '../../config/config.schema.js';
import type { PoseImageProvider, PoseImageRequest, ProviderResult } from './pose-image-provider.js';
import type { ProviderGate } from './provider-gate.js';
import {
  PermanentProviderError,
  ProviderError,
  RetryableProviderError,
  type ProviderFailureCode,
} from './provider-errors.js';

export interface FailoverPolicy {
  /** Calls to one provider before moving to the next (the first call included). */
  maxAttemptsPerProvider: number;
  /** Budget of one call, polling included; running out counts as a retryable timeout. */
  attemptTimeoutMs: number;
  /** First backoff step; each retry doubles it, up to maxDelayMs. */
  baseDelayMs: number;
  /** Longest wait before a retry; a provider asking for more (Retry-After) is skipped instead. */
  maxDelayMs: number;
}

export const DEFAULT_FAILOVER_POLICY: FailoverPolicy = {
  maxAttemptsPerProvider: 3,
  attemptTimeoutMs: 120_000,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
};

/** Waits `ms`, rejecting as soon as `signal` aborts. Injectable so tests do not sleep. */
export type Delay = (ms: number, signal: AbortSignal | undefined) => Promise<void>;

const realDelay: Delay = async (ms, signal) => {
  await sleep(ms, undefined, { signal });
};

export interface ProviderChainOptions {
  policy?: Partial<FailoverPolicy>;
  delay?: Delay;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  /** Seats per provider (GENERATION_CONCURRENCY); a call waits for one, its timeout starting once seated. */
  gate?: ProviderGate;
}

/** One call to one provider, as reported to the caller and recorded with the slot. */
export interface ProviderAttempt {
  provider: ProviderName;
  /** 1 for the first call to this provider. */
  attempt: number;
  durationMs: number;
  error?: { code: ProviderFailureCode; message: string; retryable: boolean; status?: number };
  /** Set when the same provider is called again after this wait. */
  retryInMs?: number;
}

export interface ChainSuccess {
  result: ProviderResult;
  attempts: ProviderAttempt[];
}

/** Every provider failed. `errors` holds the last error of each provider, in chain order. */
export class ProviderChainError extends Error {
  constructor(
    readonly attempts: ProviderAttempt[],
    readonly errors: ProviderError[],
  ) {
    super(`Every provider failed: ${errors.map((error) => `${error.provider}: ${error.message}`).join('; ')}`);
    this.name = 'ProviderChainError';
  }

  /** True when some provider failed only for now, so the whole chain may be tried again later. */
  get retryable(): boolean {
    return this.errors.some((error) => error.retryable);
  }

  /** The soonest time any provider said it would take requests again. */
  get retryAfterMs(): number | undefined {
    const hints = this.errors.flatMap((error) =>
      error.retryable && error.retryAfterMs !== undefined ? [error.retryAfterMs] : [],
    );
    return hints.length > 0 ? Math.min(...hints) : undefined;
  }
}

/**
 * Calls providers in failover order. Each gets up to maxAttemptsPerProvider calls while its failures are
 * retryable, waiting an exponential backoff with jitter (never less than its Retry-After) between them; a
 * permanent failure, exhausted retries or a Retry-After beyond maxDelayMs moves on to the next provider.
 * The caller's abort ends everything at once and rejects with the signal's reason.
 */
export class ProviderChain {
  private readonly policy: FailoverPolicy;
  private readonly delay: Delay;
  private readonly random: () => number;

  constructor(
    readonly providers: readonly PoseImageProvider[],
    private readonly options: ProviderChainOptions = {},
  ) {
    if (providers.length === 0) throw new Error('A provider chain needs at least one provider.');
    this.policy = { ...DEFAULT_FAILOVER_POLICY, ...options.policy };
    this.delay = options.delay ?? realDelay;
    this.random = options.random ?? Math.random;
  }

  get names(): ProviderName[] {
    return this.providers.map((provider) => provider.name);
  }

  /** The same chain with `name` tried first, for a generation that asks for a given provider. */
  preferring(name: ProviderName): ProviderChain {
    const preferred = this.providers.find((provider) => provider.name === name);
    if (!preferred) throw new Error(`Provider ${name} is not configured; configured: ${this.names.join(', ')}.`);
    return new ProviderChain([preferred, ...this.providers.filter((provider) => provider !== preferred)], this.options);
  }

  async generate(request: PoseImageRequest, { signal }: { signal?: AbortSignal } = {}): Promise<ChainSuccess> {
    const attempts: ProviderAttempt[] = [];
    const finalErrors: ProviderError[] = [];
    for (const provider of this.providers) {
      for (let attempt = 1; ; attempt++) {
        signal?.throwIfAborted();
        const startedAt = performance.now();
        try {
          const result = await this.callOnce(provider, request, signal);
          attempts.push({ provider: provider.name, attempt, durationMs: Math.round(performance.now() - startedAt) });
          return { result, attempts };
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          if (!(error instanceof ProviderError)) throw error;
          const retryInMs = this.retryDelay(error, attempt);
          attempts.push({
            provider: provider.name,
            attempt,
            durationMs: Math.round(performance.now() - startedAt),
            error: { code: error.code, message: error.message, retryable: error.retryable, status: error.status },
            ...(retryInMs === undefined ? {} : { retryInMs }),
          });
          if (retryInMs === undefined) {
            finalErrors.push(error);
            break;
          }
          await this.delay(retryInMs, signal).catch((delayError: unknown) => {
            throw signal?.aborted ? signal.reason : delayError;
          });
        }
      }
    }
    throw new ProviderChainError(attempts, finalErrors);
  }

  /** One call, once the gate (when there is one) gives this provider a seat. */
  private callOnce(
    provider: PoseImageProvider,
    request: PoseImageRequest,
    signal: AbortSignal | undefined,
  ): Promise<ProviderResult> {
    const gate = this.options.gate;
    return gate
      ? gate.run(provider.name, () => this.callSeated(provider, request, signal), signal)
      : this.callSeated(provider, request, signal);
  }

  /** One call under its own timeout; anything thrown leaves as a ProviderError unless the caller aborted. */
  private async callSeated(
    provider: PoseImageProvider,
    request: PoseImageRequest,
    signal: AbortSignal | undefined,
  ): Promise<ProviderResult> {
    const timeout = AbortSignal.timeout(this.policy.attemptTimeoutMs);
    try {
      return await provider.generate(request, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (error) {
      if (signal?.aborted) throw error;
      // Checked first: once the budget is spent, whatever the adapter threw is a consequence of the timeout.
      if (timeout.aborted) {
        throw new RetryableProviderError(
          provider.name,
          'timeout',
          `${provider.name} did not finish within ${this.policy.attemptTimeoutMs} ms`,
          { cause: error },
        );
      }
      if (error instanceof ProviderError) throw error;
      throw new PermanentProviderError(provider.name, 'unexpected', `${provider.name} failed: ${String(error)}`, {
        cause: error,
      });
    }
  }

  /** The wait before calling the same provider again, or undefined to move on. */
  private retryDelay(error: ProviderError, attempt: number): number | undefined {
    const { maxAttemptsPerProvider, baseDelayMs, maxDelayMs } = this.policy;
    if (!error.retryable || attempt >= maxAttemptsPerProvider) return undefined;
    if (error.retryAfterMs !== undefined && error.retryAfterMs > maxDelayMs) return undefined;
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    // "Equal jitter": half the step is fixed, half random, so a burst of slots does not retry in lockstep.
    const jittered = backoff / 2 + (this.random() * backoff) / 2;
    return Math.round(Math.max(error.retryAfterMs ?? 0, jittered));
  }
}
