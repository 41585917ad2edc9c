import { selectDiverse, type SelectionCandidate } from './diverse-selection.js';
import { generateBuiltinLibrary } from '../library/builtin-library.js';
import { normalisePose, poseDistance } from '../skeleton/similarity.js';

const candidates: SelectionCandidate[] = generateBuiltinLibrary()
  .filter((template) => template.category === 'fashion-standing')
  .map((template) => ({ id: template.sourceRef, pose: template, successRate: 1 }));

/** Mean distance from each pick to its nearest other pick: higher means better spread. */
function spread(picks: readonly SelectionCandidate[]): number {
  const poses = picks.map((pick) => normalisePose(pick.pose));
  const nearest = poses.map((pose, index) =>
    Math.min(...poses.filter((_, other) => other !== index).map((otherPose) => poseDistance(pose, otherPose))),
  );
  return nearest.reduce((sum, distance) => sum + distance, 0) / nearest.length;
}

describe('selectDiverse', () => {
  it('is deterministic for a seed and changes with the seed', () => {
    const ids = (seed: number) => selectDiverse(candidates, 12, seed).map((pick) => pick.id);
    expect(ids(7)).toEqual(ids(7));
    expect(ids(7)).toEqual(selectDiverse([...candidates].reverse(), 12, 7).map((pick) => pick.id));
    expect(ids(7)).not.toEqual(ids(8));
  });

  it('never repeats while enough candidates exist, and repeats in order once they run out', () => {
    const picks = selectDiverse(candidates, candidates.length, 1);
    expect(new Set(picks.map((pick) => pick.id)).size).toBe(candidates.length);
    const few = candidates.slice(0, 5);
    const repeated = selectDiverse(few, 12, 1).map((pick) => pick.id);
    expect(new Set(repeated).size).toBe(5);
    expect(repeated.slice(5, 10)).toEqual(repeated.slice(0, 5));
  });

  it('spreads picks over the poses better than taking the first ones', () => {
    expect(spread(selectDiverse(candidates, 10, 3))).toBeGreaterThan(1.5 * spread(candidates.slice(0, 10)));
  });

  it('does not pick a template and its mirror while other templates remain', () => {
    const isMirrorPair = (a: string, b: string) => a === `${b}/mirrored` || b === `${a}/mirrored`;
    const mirrorPairs = (ids: string[]) => ids.filter((id) => ids.some((other) => isMirrorPair(id, other))).length;
    expect(candidates.some((candidate) => candidate.id.endsWith('/mirrored'))).toBe(true);
    for (const seed of [1, 2, 3, 4, 5]) {
      expect(mirrorPairs(selectDiverse(candidates, 20, seed).map((pick) => pick.id))).toBe(0);
    }
    // A pose and its mirror only: the mirror comes second, once nothing else is left.
    const [original] = candidates.filter((candidate) =>
      candidates.some((other) => other.id === `${candidate.id}/mirrored`),
    );
    const mirror = candidates.find((candidate) => candidate.id === `${original.id}/mirrored`)!;
    const other = candidates.find((candidate) => !isMirrorPair(candidate.id, original.id) && candidate !== original)!;
    const picks = selectDiverse([original, mirror, other], 3, 1).map((pick) => pick.id);
    expect(picks.indexOf(mirror.id) === 2 || picks.indexOf(original.id) === 2).toBe(true);
  });

  it('prefers the template with the higher success rate among equal poses', () => {
    const [first, second] = candidates;
    const twins: SelectionCandidate[] = [
      { id: 'a', pose: first.pose, successRate: 0.2 },
      { id: 'b', pose: first.pose, successRate: 0.9 },
      { id: 'c', pose: second.pose, successRate: 0.9 },
    ];
    for (const seed of [1, 2, 3, 4, 5]) {
      const ids = selectDiverse(twins, 2, seed).map((pick) => pick.id);
      expect(ids).toContain('c');
      expect(ids).not.toContain('a');
    }
  });
});
