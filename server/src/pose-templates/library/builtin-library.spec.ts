import { generateBuiltinLibrary } from './builtin-library.js';
import { USE_CASES } from './presets.js';
import { describeInvalidKeypoints, mirrorKeypoints } from '../skeleton/keypoints.js';
import { findImplausibilities } from '../skeleton/plausibility.js';
import { PRODUCT_PLACEMENTS, POSE_DIFFICULTIES } from '../skeleton/pose-descriptors.js';

describe('the built-in pose library', () => {
  const library = generateBuiltinLibrary();

  it('holds at least 600 templates over the four use cases, in <use-case>-<family> categories', () => {
    expect(library.length).toBeGreaterThanOrEqual(600);
    expect(new Set(library.map((template) => template.useCase))).toEqual(new Set(USE_CASES));
    for (const template of library) expect(template.category).toMatch(new RegExp(`^${template.useCase}-[a-z]+$`));
    expect(new Set(library.map((template) => template.category)).size).toBeGreaterThanOrEqual(10);
  });

  it('passes the plausibility checks in every template', () => {
    const failures = library
      .map((template) => ({ sourceRef: template.sourceRef, problems: findImplausibilities(template) }))
      .filter((result) => result.problems.length > 0);
    expect(failures).toEqual([]);
  });

  it('stores valid keypoints and metadata in every template', () => {
    for (const template of library) {
      expect(describeInvalidKeypoints(template.keypoints)).toBeUndefined();
      expect(['female', 'male', 'unisex']).toContain(template.gender);
      expect(PRODUCT_PLACEMENTS).toContain(template.productPlacement);
      expect(POSE_DIFFICULTIES).toContain(template.difficulty);
      expect(template.tags.length).toBeGreaterThan(0);
    }
    expect(new Set(library.map((template) => template.productPlacement))).toEqual(new Set(PRODUCT_PLACEMENTS));
    expect(new Set(library.map((template) => template.difficulty))).toEqual(new Set(POSE_DIFFICULTIES));
  });

  it('keys every template uniquely and generates the same library on every run', () => {
    expect(new Set(library.map((template) => template.sourceRef)).size).toBe(library.length);
    expect(JSON.stringify(generateBuiltinLibrary())).toBe(JSON.stringify(library));
  });

  it('makes mirrored variants that are the mirror image of their original', () => {
    const bySourceRef = new Map(library.map((template) => [template.sourceRef, template]));
    const mirrored = library.filter((template) => template.sourceRef.endsWith('/mirrored'));
    expect(mirrored.length).toBeGreaterThan(100);
    for (const template of mirrored) {
      const original = bySourceRef.get(template.sourceRef.replace(/\/mirrored$/, ''))!;
      expect(template.keypoints).toEqual(mirrorKeypoints(original.keypoints));
    }
  });
});
