/** What the prompt is built from: the merchant's brand, the product and the model. */
export interface PromptSources {
  brandKit: { brandName: string; tone: string | null; colors: string[]; category: string | null };
  product: { name: string; category: string | null; productType: string | null; placement: string | null };
  avatar: { gender: string | null; ageRange: string | null; style: string | null };
  extra?: string;
  negative?: string;
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

function modelDescription(avatar: PromptSources['avatar']): string {
  const gender = avatar.gender === 'female' ? 'woman' : avatar.gender === 'male' ? 'man' : 'person';
  const age = avatar.ageRange ? `aged ${avatar.ageRange}` : undefined;
  const style = avatar.style ? `${avatar.style} style` : undefined;
  return ['a', ...[style, gender].filter(Boolean), age].filter(Boolean).join(' ');
}

/**
 * The positive and negative prompt of every slot of a generation: deterministic,
 * so the same inputs always describe the same shoot.
 */
export function buildPrompt(sources: PromptSources): { prompt: string; negativePrompt: string } {
  const { brandKit, product } = sources;
  const productWords = [product.name, product.productType ?? product.category].filter(Boolean).join(', ');
  const placement = product.placement ? PLACEMENT_PHRASES[product.placement] : undefined;
  const parts = [
    `E-commerce photo of ${modelDescription(sources.avatar)} presenting ${productWords}`,
    placement,
    `for the brand ${brandKit.brandName}`,
    brandKit.tone ? `${brandKit.tone} mood` : undefined,
    brandKit.colors.length > 0 ? `colour palette ${brandKit.colors.slice(0, 4).join(', ')}` : undefined,
    'studio lighting, sharp focus, professional fashion photography, full body in frame',
    sources.extra?.trim() || undefined,
  ];
  return {
    prompt: parts.filter(Boolean).join(', '),
    negativePrompt: [BASE_NEGATIVE_PROMPT, sources.negative?.trim()].filter(Boolean).join(', '),
  };
}
