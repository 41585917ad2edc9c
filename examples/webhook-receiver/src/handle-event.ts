import type { Lumiku } from '@lumiku/pose-sdk';

/** The envelope every Lumiku Pose event shares (docs/webhooks.md). */
export interface LumikuEvent {
  id: string;
  type: string;
  timestamp: string;
  data: { generation?: { id: string; status: string } };
}

/** The work an event starts, run after the 2xx: here, reading the finished batch's images. */
export async function handleEvent(lumiku: Lumiku, event: LumikuEvent): Promise<void> {
  const generation = event.data.generation;
  if (event.type !== 'generation.completed' || !generation) return;
  let images = 0;
  for await (const pose of lumiku.generations.poses(generation.id)) if (pose.outputUrl) images++;
  console.log(`generation ${generation.id} ${generation.status}: ${images} images ready`);
}
