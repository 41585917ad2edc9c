import { send, sleep, type RequestOptions } from '../core.js';
import { APIConnectionError, InternalServerError } from '../errors.js';
import { readServerSentEvents } from '../sse.js';
import type { BodyOf, GeneratedPose, Generation, GenerationStatus, QueryOf, ResultOf } from '../types.js';
import { Resource } from './resource.js';

/** Counts carried by `progress` and `completed` events. */
export type GenerationProgress = Pick<
  Generation,
  'status' | 'progress' | 'totalPoses' | 'successfulPoses' | 'failedPoses' | 'canceledPoses'
>;

/** What the generation's event stream carries; `type` is the SSE event name. */
export type GenerationEvent =
  | ({ type: 'progress' } & GenerationProgress)
  | { type: 'pose.succeeded'; poseId: string; slotIndex: number }
  | { type: 'pose.failed'; poseId: string; slotIndex: number; failureCode: string; failureReason: string }
  | ({ type: 'completed' } & GenerationProgress);

export interface WaitOptions extends RequestOptions {
  /** Called with the counts on every change. */
  onProgress?: (progress: GenerationProgress) => void;
  /** Milliseconds between polls when the event stream is unavailable (default 2000). */
  pollInterval?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 2_000;
const FINAL_STATUSES: ReadonlySet<GenerationStatus> = new Set(['completed', 'partial', 'failed', 'canceled']);

export const isFinished = (generation: Pick<Generation, 'status'>): boolean => FINAL_STATUSES.has(generation.status);

export class Generations extends Resource {
  /** Starts a batch. Answers at once with the generation `pending`; see waitForCompletion. */
  create(body: BodyOf<'createGeneration'>, options?: RequestOptions) {
    return this.call<Generation>({ method: 'POST', path: '/v1/generations', body }, options);
  }

  /** Slots, credits and duration the same body would take; creates nothing. */
  quote(body: BodyOf<'quoteGeneration'>, options?: RequestOptions) {
    return this.call<ResultOf<'quoteGeneration'>>({ method: 'POST', path: '/v1/generations/quote', body }, options);
  }

  retrieve(id: string, options?: RequestOptions) {
    return this.call<Generation>({ method: 'GET', path: '/v1/generations/{id}', pathParams: { id } }, options);
  }

  list(query: QueryOf<'listGenerations'> = {}, options?: RequestOptions) {
    return this.paginate<Generation>('/v1/generations', { query }, options);
  }

  /** Stops the slots not yet started. */
  cancel(id: string, options?: RequestOptions) {
    return this.call<Generation>({ method: 'POST', path: '/v1/generations/{id}/cancel', pathParams: { id } }, options);
  }

  /** Queues the failed slots again. */
  retry(id: string, options?: RequestOptions) {
    return this.call<Generation>({ method: 'POST', path: '/v1/generations/{id}/retry', pathParams: { id } }, options);
  }

  /** The generation's pose slots, in slot order. */
  poses(id: string, query: QueryOf<'listGenerationPoses'> = {}, options?: RequestOptions) {
    return this.paginate<GeneratedPose>('/v1/generations/{id}/poses', { pathParams: { id }, query }, options);
  }

  /** Every succeeded image in one ZIP. */
  archive(id: string, options?: RequestOptions) {
    return this.download({ method: 'GET', path: '/v1/generations/{id}/archive', pathParams: { id } }, options);
  }

  /** The live event stream: the current progress first, then changes, ending after `completed`. */
  async *events(id: string, options?: RequestOptions): AsyncGenerator<GenerationEvent> {
    const response = await send(
      this.settings,
      { method: 'GET', path: '/v1/generations/{id}/events', pathParams: { id }, accept: 'text/event-stream' },
      options,
    );
    if (!response.body) throw new APIConnectionError('The event stream has no body.');
    for await (const message of readServerSentEvents(response.body)) {
      const event = { ...(message.data as object), type: message.event } as GenerationEvent;
      yield event;
      if (event.type === 'completed') return;
    }
  }

  /**
   * Resolves with the finished generation. Follows the event stream and falls back to polling when
   * the stream cannot be had or breaks (a proxy that buffers SSE, say).
   */
  async waitForCompletion(id: string, options: WaitOptions = {}): Promise<Generation> {
    const { onProgress, pollInterval = DEFAULT_POLL_INTERVAL_MS, ...requestOptions } = options;
    try {
      for await (const event of this.events(id, requestOptions)) {
        if (event.type === 'progress' || event.type === 'completed') onProgress?.(progressOf(event));
      }
    } catch (error) {
      // Only a stream that could not be had or broke is worth polling for; 4xx and aborts are final.
      if (!(error instanceof APIConnectionError || error instanceof InternalServerError)) throw error;
    }
    for (;;) {
      const generation = await this.retrieve(id, requestOptions);
      if (isFinished(generation)) return generation;
      onProgress?.(progressOf(generation));
      await sleep(pollInterval, requestOptions.signal);
    }
  }

  /** create, then waitForCompletion. */
  async createAndWait(body: BodyOf<'createGeneration'>, options: WaitOptions = {}): Promise<Generation> {
    const generation = await this.create(body, options);
    return this.waitForCompletion(generation.id, options);
  }
}

function progressOf(source: GenerationProgress): GenerationProgress {
  const { status, progress, totalPoses, successfulPoses, failedPoses, canceledPoses } = source;
  return { status, progress, totalPoses, successfulPoses, failedPoses, canceledPoses };
}
