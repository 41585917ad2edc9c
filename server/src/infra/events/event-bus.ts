import { EventEmitter } from 'node:events';

export type EventListener = (event: unknown) => void;

/**
 * Fan-out of short-lived notifications (generation progress) from workers to
 * the API processes that hold the SSE streams. Not a source of truth: a missed
 * event is caught up from the database by the next read.
 */
export interface EventBus {
  publish(channel: string, event: unknown): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(channel: string, listener: EventListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export class InProcessEventBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(channel: string, event: unknown): Promise<void> {
    this.emitter.emit(channel, event);
    return Promise.resolve();
  }

  subscribe(channel: string, listener: EventListener): Promise<() => Promise<void>> {
    this.emitter.on(channel, listener);
    return Promise.resolve(() => {
      this.emitter.off(channel, listener);
      return Promise.resolve();
    });
  }

  close(): Promise<void> {
    this.emitter.removeAllListeners();
    return Promise.resolve();
  }
}
