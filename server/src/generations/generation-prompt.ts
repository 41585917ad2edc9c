import { colorName } from '../media/color-names.js';
import type { Framing } from '../pose-templates/library/framing.js';
import { Joint, isPresent, type Keypoint } from '../pose-templates/skeleton/keypoints.js';

/** What the prompt is built from: the merchant's brand, the product and the model, and the slot's framing. */
export interface PromptSources {
  brandKit: { brandName: string; tone: string | null; colors: string[]; category: string | null };
  product: { name: string; category: string | null; productType: string | null; placement: string | null };
  avatar: { gender: string | null; ageRange: string | null; style: string | null };
  extra?: string;
  negative?: string;
  /** How the slot's template frames the figure; the generation's base prompt has none. */
  framing?: Framing;
}

export const BASE_NEGATIVE_PROMPT =
  'deformed hands, extra fingers, extra limbs, distorted face, blurry, low resolution, watermark, text, logo artefacts, cropped product';

const PLACEMENT_PHRASES: Record<string, string> = {
  'hand-left': 'holding it in the left hand',
  'hand-right': 'holding it in the right hand',
  'both-hands': 'holding it with both hands',
  'near-face': 'holding it near the face',
  worn: 'wearing it',
};

/** The shot each framing asks for, in a photographer's words. */
const FRAMING_PHRASES: Record<Framing, string> = {
  'full-body': 'full body in frame, head to feet',
  'three-quarter': 'three-quarter length shot, head to knees',
  'waist-up': 'medium shot from the waist up',
  'chest-up': 'medium close-up from the chest up',
  'close-up': 'close-up portrait of the face and shoulders',
};
const FRAMINGS = Object.keys(FRAMING_PHRASES) as Framing[];

/**
 * The framing of a template: its framing tag (the built-in library tags each template), else read from the
 * lowest joints in frame, as a photographer would name the shot.
 */
export function framingOf(template: { tags: readonly string[]; keypoints: readonly Keypoint[] }): Framing {
  const tagged = FRAMINGS.find((framing) => template.tags.includes(framing));
  if (tagged) return tagged;
  const shows = (...joints: number[]) => joints.some((joint) => isPresent(template.keypoints[joint]));
  if (shows(Joint.rightAnkle, Joint.leftAnkle)) return 'full-body';
  if (shows(Joint.rightKnee, Joint.leftKnee)) return 'three-quarter';
  if (shows(Joint.rightHip, Joint.leftHip)) return 'waist-up';
  if (shows(Joint.rightElbow, Joint.leftElbow, Joint.rightWrist, Joint.leftWrist)) return 'chest-up';
  return 'close-up';
}

/** Brand colours in words ("blush pink and black"), as image models read them; hex codes mean nothing to them. */
function paletteWords(colors: readonly string[]): string | undefined {
  const names = [...new Set(colors.map(colorName).filter((name) => name !== undefined))].slice(0, 4);
  if (names.length === 0) return undefined;
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function modelDescription(avatar: PromptSources['avatar']): string {
  const gender = avatar.gender === 'female' ? 'woman' : avatar.gender === 'male' ? 'man' : 'person';
  const age = avatar.ageRange ? `aged ${avatar.ageRange}` : undefined;
  const style = avatar.style ? `${avatar.style} style` : undefined;
  return ['a', ...[style, gender].filter(Boolean), age].filter(Boolean).join(' ');
}

/**
 * The positive and negative prompt of a slot (with its template's framing) or of the generation as a whole
 * (without): deterministic, so the same inputs always describe the same shoot.
 */
export function buildPrompt(sources: PromptSources): { prompt: string; negativePrompt: string } {
  const { brandKit, product } = sources;
  const productWords = [product.name, product.productType ?? product.category].filter(Boolean).join(', ');
  const placement = product.placement ? PLACEMENT_PHRASES[product.placement] : undefined;
  const palette = paletteWords(brandKit.colors);
  const parts = [
    `E-commerce photo of ${modelDescription(sources.avatar)} presenting ${productWords}`,
    placement,
    `for the brand ${brandKit.brandName}`,
    brandKit.tone ? `${brandKit.tone} mood` : undefined,
    palette ? `${palette} colour palette` : undefined,
    'studio lighting, sharp focus, professional fashion photography',
    sources.framing ? FRAMING_PHRASES[sources.framing] : undefined,
    sources.extra?.trim() || undefined,
  ];
  return {
    prompt: parts.filter(Boolean).join(', '),
    negativePrompt: [BASE_NEGATIVE_PROMPT, sources.negative?.trim()].filter(Boolean).join(', '),
  };
}
