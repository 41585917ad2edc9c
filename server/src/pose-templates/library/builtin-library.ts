import {
  BODY_PROPORTIONS,
  clampToLimits,
  projectSkeleton,
  type ArmAngles,
  type BodyProportions,
  type LegAngles,
  type PoseAngles,
} from './body-model.js';
import { frameSkeleton } from './framing.js';
import { POSE_PRESETS, RELAXED_POSE, type PosePreset, type TemplateGender, type UseCase } from './presets.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';
import { mirrorKeypoints, roundKeypoints, type Canvas, type Keypoint, type Pose } from '../skeleton/keypoints.js';
import { findImplausibilities } from '../skeleton/plausibility.js';
import {
  deriveDifficulty,
  deriveProductPlacement,
  type PoseDifficulty,
  type ProductPlacement,
} from '../skeleton/pose-descriptors.js';

/** A template of the shared library, as the generator makes it. */
export interface BuiltinTemplate {
  /** Stable key: seeding upserts on it, so re-seeding never duplicates and keeps usage statistics. */
  sourceRef: string;
  name: string;
  useCase: UseCase;
  category: string;
  subcategory: string;
  tags: string[];
  gender: TemplateGender;
  productPlacement: ProductPlacement;
  difficulty: PoseDifficulty;
  keypoints: Keypoint[];
  canvas: Canvas;
}

/** Degrees of seeded variation around a preset, per angle (times the preset's spread). */
const ANGLE_SPREAD = { yaw: 6, torsoPitch: 3, torsoRoll: 3, headTurn: 8, headTilt: 6, headNod: 6 };
const ARM_SPREAD: ArmAngles = { abduction: 7, flexion: 8, elbow: 10, twist: 10 };
const LEG_SPREAD: LegAngles = { abduction: 3, flexion: 5, knee: 6 };
/** Each body's segment lengths vary by up to this share, so no two templates share a skeleton. */
const PROPORTION_SPREAD = 0.04;

export const BUILTIN_SOURCE_PREFIX = 'builtin/';

function varyAngles(base: PoseAngles, random: SeededRandom, spread: number): PoseAngles {
  const varyLimb = <Limb extends ArmAngles | LegAngles>(limb: Limb, amplitudes: Limb): Limb =>
    Object.fromEntries(
      Object.entries(limb).map(([key, value]) => [
        key,
        value + random.spread((amplitudes[key as keyof Limb] as number) * spread),
      ]),
    ) as Limb;
  return {
    yaw: base.yaw + random.spread(ANGLE_SPREAD.yaw * spread),
    torsoPitch: base.torsoPitch + random.spread(ANGLE_SPREAD.torsoPitch * spread),
    torsoRoll: base.torsoRoll + random.spread(ANGLE_SPREAD.torsoRoll * spread),
    headTurn: base.headTurn + random.spread(ANGLE_SPREAD.headTurn * spread),
    headTilt: base.headTilt + random.spread(ANGLE_SPREAD.headTilt * spread),
    headNod: base.headNod + random.spread(ANGLE_SPREAD.headNod * spread),
    rightArm: varyLimb(base.rightArm, ARM_SPREAD),
    leftArm: varyLimb(base.leftArm, ARM_SPREAD),
    rightLeg: varyLimb(base.rightLeg, LEG_SPREAD),
    leftLeg: varyLimb(base.leftLeg, LEG_SPREAD),
  };
}

function varyProportions(body: BodyProportions, random: SeededRandom): BodyProportions {
  return Object.fromEntries(
    Object.entries(body).map(([segment, length]) => [segment, length * (1 + random.spread(PROPORTION_SPREAD))]),
  ) as unknown as BodyProportions;
}

/** Variations drawn per template before giving up: a few random draws land a forearm pointing straight at the camera. */
const MAX_DRAWS = 20;

/**
 * Draws seeded variations of the preset (proportions and angles, clamped to
 * joint limits) until one passes the plausibility checks; the seed stream is
 * the template's key, so the result never changes between runs.
 */
function plausibleVariation(preset: PosePreset, sourceRef: string, gender: TemplateGender, view: number): Pose {
  const random = seededRandom(sourceRef);
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const body = varyProportions(BODY_PROPORTIONS[preset.child ? 'child' : gender], random);
    const angles = clampToLimits(
      varyAngles({ ...RELAXED_POSE, ...preset.angles, yaw: view }, random, preset.spread ?? 1),
    );
    const framed = frameSkeleton(projectSkeleton(angles, body), preset.framing);
    const pose = { keypoints: roundKeypoints(framed.keypoints), canvas: framed.canvas };
    if (findImplausibilities(pose).length === 0) return pose;
  }
  throw new Error(`${sourceRef}: no plausible pose in ${MAX_DRAWS} draws; the preset needs other angles`);
}

function viewName(yaw: number): string {
  const turn = Math.abs(yaw);
  return turn < 10 ? 'front view' : turn < 55 ? 'three-quarter view' : 'profile view';
}

const humanise = (slug: string) => slug.charAt(0).toUpperCase() + slug.slice(1).replaceAll('-', ' ');

function templatesOf(preset: PosePreset): BuiltinTemplate[] {
  const category = `${preset.useCase}-${preset.family}`;
  const templates: BuiltinTemplate[] = [];
  for (const gender of preset.genders) {
    for (const view of preset.views) {
      for (let variation = 0; variation < preset.variations; variation++) {
        const sourceRef = `${BUILTIN_SOURCE_PREFIX}${category}/${preset.subcategory}/${gender}/yaw${view}/${variation + 1}`;
        const framed = plausibleVariation(preset, sourceRef, gender, view);
        const viewTag = viewName(view).replace(' ', '-');
        const variants: Array<{ suffix: string; label: string; keypoints: Keypoint[] }> = [
          { suffix: '', label: '', keypoints: framed.keypoints },
        ];
        if (preset.mirror)
          variants.push({
            suffix: '/mirrored',
            label: ', mirrored',
            keypoints: mirrorKeypoints(variants[0].keypoints),
          });
        for (const variant of variants) {
          const pose = { keypoints: variant.keypoints, canvas: framed.canvas };
          templates.push({
            sourceRef: `${sourceRef}${variant.suffix}`,
            name: `${humanise(preset.subcategory)}, ${viewName(view)}${variant.label} #${variation + 1}`,
            useCase: preset.useCase,
            category,
            subcategory: preset.subcategory,
            tags: [...preset.tags, preset.framing, viewTag],
            gender,
            productPlacement: deriveProductPlacement(pose),
            difficulty: deriveDifficulty(pose),
            ...pose,
          });
        }
      }
    }
  }
  return templates;
}

/** The whole built-in library; the same on every run and every machine. */
export function generateBuiltinLibrary(presets: readonly PosePreset[] = POSE_PRESETS): BuiltinTemplate[] {
  return presets.flatMap(templatesOf);
}
