import { availableParallelism } from 'node:os';

/** IMAGE_JOBS' default: one decode at a time, since sharp already spreads one image over every core. */
export const DEFAULT_IMAGE_JOBS = 1;
/** IMAGE_THREADS' default: libvips threads per image job. */
export const DEFAULT_IMAGE_THREADS = Math.max(1, availableParallelism());

interface Waiter {
  place: number;
  start: () => void;
}

/**
 * Caps how many image jobs run at once: each can hold hundreds of MB of decoded pixels. One instance is
 * shared by every decode of a process (see MediaModule), so that uploads queue rather than add up.
 *
 * Jobs wait by place in line, not by arrival: a job about an image keeps the place of the job that made that
 * image (see `follows`), so an upload that has started its re-encode goes on to its background removal before
 * later uploads start theirs. Without that, every queued upload would hold its intermediate images at once.
 */
export class ProcessingSlots {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private readonly places = new WeakMap<object, number>();
  private nextPlace = 1;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`at least 1 image job, not ${limit}`);
  }

  /** Runs `job` in a free slot; `subject` (the image it works on) decides its place in line. */
  async run<T>(job: () => Promise<T>, subject?: object): Promise<T> {
    const place = this.placeOf(subject);
    if (this.running >= this.limit) await this.wait(place);
    else this.running++;
    try {
      return await job();
    } finally {
      // Handed on after the jobs' own continuations ran, so a follow-up of this image can take its place first.
      setImmediate(() => this.release());
    }
  }

  /** Gives `derived` (an image made from `source`) the place in line of `source`. */
  follows(derived: object, source: object): void {
    this.places.set(derived, this.placeOf(source));
  }

  private placeOf(subject: object | undefined): number {
    if (!subject) return this.nextPlace++;
    let place = this.places.get(subject);
    if (place === undefined) {
      place = this.nextPlace++;
      this.places.set(subject, place);
    }
    return place;
  }

  private wait(place: number): Promise<void> {
    return new Promise((start) => {
      const index = this.waiting.findIndex((waiter) => waiter.place > place);
      this.waiting.splice(index === -1 ? this.waiting.length : index, 0, { place, start });
    });
  }

  private release(): void {
    // The slot passes straight to the next waiter, so `running` only drops when nobody waits.
    const next = this.waiting.shift();
    if (next) next.start();
    else this.running--;
  }
}
