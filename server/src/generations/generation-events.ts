import { Inject, Injectable } from '@nestjs/common';
import type { GenerationStatus } from '../generated/prisma/enums.js';
import type { EventBus } from '../infra/events/event-bus.js';
import { EVENT_BUS } from '../infra/events/events.module.js';

export interface ProgressSnapshot {
  status: GenerationStatus;
  progress: number;
  totalPoses: number;
  successfulPoses: number;
  failedPoses: number;
  canceledPoses: number;
  /** Mean qualityScore of the poses scored so far; null before the first. */
  avgQualityScore: number | null;
  lowQualityPoses: number;
  rerenders: number;
}

/** The snapshot fields of anything that carries them: a generation row or the counters a slot's UPDATE returned. */
export function progressSnapshot(source: ProgressSnapshot, status: GenerationStatus = source.status): ProgressSnapshot {
  const {
    progress,
    totalPoses,
    successfulPoses,
    failedPoses,
    canceledPoses,
    avgQualityScore,
    lowQualityPoses,
    rerenders,
  } = source;
  return {
    status,
    progress,
    totalPoses,
    successfulPoses,
    failedPoses,
    canceledPoses,
    avgQualityScore,
    lowQualityPoses,
    rerenders,
  };
}

/** What the SSE stream of a generation carries; `type` is the SSE event name. */
export type GenerationEvent =
  | ({ type: 'progress' } & ProgressSnapshot)
  | { type: 'pose.succeeded'; poseId: string; slotIndex: number; qualityScore: number | null; lowQuality: boolean }
  | { type: 'pose.failed'; poseId: string; slotIndex: number; failureCode: string; failureReason: string }
  | ({ type: 'completed' } & ProgressSnapshot);

const channelOf = (generationId: string) => `generation:${generationId}`;

/** Progress notifications from workers to SSE streams, in-process or over Redis pub/sub. */
@Injectable()
export class GenerationEvents {
  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}

  publish(generationId: string, event: GenerationEvent): Promise<void> {
    return this.bus.publish(channelOf(generationId), event);
  }

  subscribe(generationId: string, listener: (event: GenerationEvent) => void): Promise<() => Promise<void>> {
    return this.bus.subscribe(channelOf(generationId), (event) => listener(event as GenerationEvent));
  }
}
