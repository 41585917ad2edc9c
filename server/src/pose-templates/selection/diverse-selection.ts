import { seededRandom } from '../library/seeded-random.js';
import type { Pose } from '../skeleton/keypoints.js';
import { comparablePose, poseDistance } from '../skeleton/similarity.js';

export interface SelectionCandidate {
  id: string;
  pose: Pose;
  /** 0..1; templates that generated well before are preferred. */
  successRate: number;
}

/**
 * A template with no successes still counts a quarter as much as a perfect
 * one, so a much more distinct pose can win over a reliable near-duplicate.
 */
const quality = (successRate: number) => 0.25 + 0.75 * Math.min(1, Math.max(0, successRate));
/** Relative jitter that breaks ties (a symmetric library has many) differently for each seed. */
const TIE_BREAK = 0.02;
/**
 * A candidate this close (torso lengths) to a pick's mirror image is that pick mirrored: the library's
 * `/mirrored` twins are at 0, distinct seeded variations at 0.007 or more.
 */
const MIRROR_DISTANCE = 0.005;

/**
 * Picks `count` candidates spread over the pose space by farthest-point
 * sampling weighted by success rate: the first pick is drawn by success rate,
 * each next one maximises its distance to the nearest pick times its quality.
 * A pick's mirror image is passed over while other candidates remain. The
 * same candidates, count and seed give the same picks. Candidates repeat, in
 * the same order, only when fewer than `count` exist.
 */
export function selectDiverse<Candidate extends SelectionCandidate>(
  candidates: readonly Candidate[],
  count: number,
  seed: number | string,
): Candidate[] {
  if (candidates.length === 0 || count <= 0) return [];
  const pool = [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const random = seededRandom(`diverse-selection:${seed}`);
  const poses = pool.map((candidate) => comparablePose(candidate.pose));
  const weights = pool.map((candidate) => quality(candidate.successRate) * (1 + random.spread(TIE_BREAK)));

  const order: number[] = [];
  const taken = new Set<number>();
  const mirrorOfPick = new Set<number>();
  const nearestPick = pool.map(() => Infinity);
  const take = (pick: number) => {
    order.push(pick);
    taken.add(pick);
    for (let index = 0; index < pool.length; index++) {
      nearestPick[index] = Math.min(nearestPick[index], poseDistance(poses[index].normalised, poses[pick].normalised));
      if (poseDistance(poses[index].normalised, poses[pick].mirrored) < MIRROR_DISTANCE) mirrorOfPick.add(index);
    }
  };
  take(firstPick(weights, random.next()));
  while (order.length < Math.min(count, pool.length)) {
    const open = (index: number) => !taken.has(index) && !mirrorOfPick.has(index);
    const mirrorsOnly = !pool.some((_, index) => open(index));
    let best = -1;
    let bestScore = -Infinity;
    for (let index = 0; index < pool.length; index++) {
      if (taken.has(index) || (!mirrorsOnly && mirrorOfPick.has(index))) continue;
      const score = nearestPick[index] * weights[index];
      if (score > bestScore) [best, bestScore] = [index, score];
    }
    take(best);
  }
  return Array.from({ length: count }, (_, slot) => pool[order[slot % order.length]]);
}

/** Roulette-wheel draw over the squared weights, so reliable templates start the spread more often. */
function firstPick(weights: readonly number[], draw: number): number {
  const squared = weights.map((weight) => weight * weight);
  let remaining = draw * squared.reduce((sum, weight) => sum + weight, 0);
  for (let index = 0; index < squared.length; index++) {
    remaining -= squared[index];
    if (remaining < 0) return index;
  }
  return squared.length - 1;
}
