import { Injectable, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { GenerationEvent } from './generation-events.js';
import { GenerationEvents, progressSnapshot } from './generation-events.js';
import { GenerationsRepository } from './generations.repository.js';

/** Read from the database this often too, so a lost notification delays a stream but never stalls it. */
const RESYNC_INTERVAL_MS = 5_000;
const FINAL = new Set(['completed', 'partial', 'failed', 'canceled']);

function toMessage(event: GenerationEvent): MessageEvent {
  const { type, ...data } = event;
  return { type, data };
}

/** The SSE stream of one generation: live events, with the database as the fallback. */
@Injectable()
export class GenerationProgressStream {
  constructor(
    private readonly events: GenerationEvents,
    private readonly repository: GenerationsRepository,
  ) {}

  stream(userId: string, generationId: string): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      let unsubscribe: (() => Promise<void>) | undefined;
      let lastProgress = '';
      const emit = (event: GenerationEvent) => {
        if (event.type === 'progress') lastProgress = JSON.stringify(event);
        subscriber.next(toMessage(event));
        if (event.type === 'completed') subscriber.complete();
      };
      const resync = async () => {
        const generation = await this.repository.findOwned(userId, generationId);
        if (!generation || subscriber.closed) return;
        const snapshot = progressSnapshot(generation);
        const progress: GenerationEvent = { type: 'progress', ...snapshot };
        if (JSON.stringify(progress) !== lastProgress) emit(progress);
        const finished =
          snapshot.successfulPoses + snapshot.failedPoses + snapshot.canceledPoses >= snapshot.totalPoses;
        if (FINAL.has(snapshot.status) && finished) emit({ type: 'completed', ...snapshot });
      };
      const fail = (error: unknown) => subscriber.error(error);
      // Subscribe before the first read, so nothing that happens in between is missed.
      this.events
        .subscribe(generationId, emit)
        .then((off) => {
          unsubscribe = off;
          if (subscriber.closed) void off();
          return resync();
        })
        .catch(fail);
      const timer = setInterval(() => void resync().catch(fail), RESYNC_INTERVAL_MS);
      return () => {
        clearInterval(timer);
        void unsubscribe?.();
      };
    });
  }
}
