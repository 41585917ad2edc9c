import { BASE_NEGATIVE_PROMPT, buildPrompt, framingOf } from './generation-prompt.js';
import { generateBuiltinLibrary } from '../pose-templates/library/builtin-library.js';
import { Joint, MISSING, type Keypoint } from '../pose-templates/skeleton/keypoints.js';

describe('buildPrompt', () => {
  const sources = {
    brandKit: { brandName: 'Glow Lab', tone: 'calm, clinical', colors: ['#F4B6C2', '#1B1B1B'], category: 'skincare' },
    product: { name: 'Hydra Serum', category: 'skincare', productType: 'serum bottle', placement: 'near-face' },
    avatar: { gender: 'female', ageRange: '25-34', style: 'minimal' },
  };

  it('names the product, its placement, the model, the brand and its colours in words', () => {
    const { prompt, negativePrompt } = buildPrompt({ ...sources, extra: 'soft morning light', negative: 'sunglasses' });
    expect(prompt).toContain('Hydra Serum, serum bottle');
    expect(prompt).toContain('holding it near the face');
    expect(prompt).toContain('a minimal style woman aged 25-34');
    expect(prompt).toContain('for the brand Glow Lab');
    expect(prompt).toContain('calm, clinical mood');
    expect(prompt).toContain('blush pink and black colour palette');
    expect(prompt).not.toMatch(/#[0-9a-f]{6}/i);
    expect(prompt.endsWith('soft morning light')).toBe(true);
    expect(negativePrompt).toBe(`${BASE_NEGATIVE_PROMPT}, sunglasses`);
  });

  it('frames each slot as its template does, and never says full body for a waist-up shot', () => {
    expect(buildPrompt({ ...sources, framing: 'full-body' }).prompt).toContain('full body in frame');
    const waistUp = buildPrompt({ ...sources, framing: 'waist-up' }).prompt;
    expect(waistUp).toContain('medium shot from the waist up');
    expect(waistUp).not.toMatch(/full body/i);
    expect(buildPrompt({ ...sources, framing: 'close-up' }).prompt).toContain('close-up portrait');
    expect(buildPrompt(sources).prompt).not.toMatch(/full body|waist up|close-up/i);
  });

  it('names near colours alike and leaves out what is not a colour', () => {
    const palette = (colors: string[]) =>
      buildPrompt({ ...sources, brandKit: { ...sources.brandKit, colors } }).prompt.match(
        /mood, ([a-z ,]+) colour palette/,
      )?.[1];
    expect(palette(['#0B1F4B', '#FFFFFF', '#D4AF37'])).toBe('navy, white and gold');
    expect(palette(['#D62828', '#D42A2A'])).toBe('red');
    expect(palette(['not a colour'])).toBeUndefined();
  });

  it('leaves out what is unknown', () => {
    const { prompt } = buildPrompt({
      brandKit: { brandName: 'Plain', tone: null, colors: [], category: null },
      product: { name: 'Tote', category: null, productType: null, placement: null },
      avatar: { gender: null, ageRange: null, style: null },
    });
    expect(prompt).toBe(
      'E-commerce photo of a person presenting Tote, for the brand Plain, studio lighting, sharp focus, professional fashion photography',
    );
  });
});

describe('framingOf', () => {
  it("reads the library's framing tags", () => {
    const library = generateBuiltinLibrary();
    for (const framing of ['full-body', 'waist-up', 'close-up'] as const) {
      const template = library.find((candidate) => candidate.tags.includes(framing))!;
      expect(framingOf(template)).toBe(framing);
    }
  });

  it('reads untagged templates from the lowest joints in frame', () => {
    const pose = (joints: number[]): Keypoint[] =>
      Array.from({ length: 18 }, (_, joint) => (joints.includes(joint) ? { x: 0.5, y: 0.5, c: 1 } : { ...MISSING }));
    const upper = [Joint.nose, Joint.neck, Joint.rightShoulder, Joint.leftShoulder];
    expect(framingOf({ tags: [], keypoints: pose([...upper, Joint.rightHip, Joint.leftAnkle]) })).toBe('full-body');
    expect(framingOf({ tags: [], keypoints: pose([...upper, Joint.rightHip, Joint.leftKnee]) })).toBe('three-quarter');
    expect(framingOf({ tags: [], keypoints: pose([...upper, Joint.rightHip]) })).toBe('waist-up');
    expect(framingOf({ tags: ['studio'], keypoints: pose(upper) })).toBe('close-up');
  });
});
