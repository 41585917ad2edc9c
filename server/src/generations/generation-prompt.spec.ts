import { BASE_NEGATIVE_PROMPT, buildPrompt } from './generation-prompt.js';

describe('buildPrompt', () => {
  const sources = {
    brandKit: { brandName: 'Glow Lab', tone: 'calm, clinical', colors: ['#F4B6C2', '#1B1B1B'], category: 'skincare' },
    product: { name: 'Hydra Serum', category: 'skincare', productType: 'serum bottle', placement: 'near-face' },
    avatar: { gender: 'female', ageRange: '25-34', style: 'minimal' },
  };

  it('names the product, its placement, the model and the brand', () => {
    const { prompt, negativePrompt } = buildPrompt({ ...sources, extra: 'soft morning light', negative: 'sunglasses' });
    expect(prompt).toContain('Hydra Serum, serum bottle');
    expect(prompt).toContain('holding it near the face');
    expect(prompt).toContain('a minimal style woman aged 25-34');
    expect(prompt).toContain('for the brand Glow Lab');
    expect(prompt).toContain('calm, clinical mood');
    expect(prompt).toContain('#F4B6C2');
    expect(prompt.endsWith('soft morning light')).toBe(true);
    expect(negativePrompt).toBe(`${BASE_NEGATIVE_PROMPT}, sunglasses`);
  });

  it('leaves out what is unknown', () => {
    const { prompt } = buildPrompt({
      brandKit: { brandName: 'Plain', tone: null, colors: [], category: null },
      product: { name: 'Tote', category: null, productType: null, placement: null },
      avatar: { gender: null, ageRange: null, style: null },
    });
    expect(prompt).toBe(
      'E-commerce photo of a person presenting Tote, for the brand Plain, studio lighting, sharp focus, professional fashion photography, full body in frame',
    );
  });
});
