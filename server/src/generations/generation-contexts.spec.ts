import { CONTEXT_TTL_MS, GenerationContexts } from './generation-contexts.js';
import type { GenerationContextRow, TemplateRow } from './generations.repository.js';

const keypoints = Array.from({ length: 18 }, (_, index) => ({ x: index / 18, y: index / 18, c: 1 }));

function fakeRepository() {
  const calls = { context: 0, templates: 0 };
  const row = { provider: 'local-preview', width: 256, height: 384, brandColors: ['#fff'] } as GenerationContextRow;
  return {
    calls,
    repository: {
      generationContext: () => {
        calls.context += 1;
        return Promise.resolve(row);
      },
      generationTemplates: (): Promise<TemplateRow[]> => {
        calls.templates += 1;
        return Promise.resolve([
          { id: 't1', keypoints, canvasWidth: 512, canvasHeight: 768, productPlacement: 'hand-left' },
        ]);
      },
    },
  };
}

describe('GenerationContexts', () => {
  it('reads a generation once for all its slots, and again after the TTL', async () => {
    const { calls, repository } = fakeRepository();
    let now = 1_000;
    const contexts = new GenerationContexts(repository, () => now);
    const slot = { generationId: 'g1', poseTemplateId: 't1' };
    const [first] = await Promise.all([contexts.forSlot(slot), contexts.forSlot(slot), contexts.forSlot(slot)]);
    expect(calls).toEqual({ context: 1, templates: 1 });
    expect(first.template.pose.canvas).toEqual({ width: 512, height: 768 });
    expect(first.template.productPlacement).toBe('hand-left');
    now += CONTEXT_TTL_MS;
    await contexts.forSlot(slot);
    expect(calls).toEqual({ context: 2, templates: 2 });
  });

  it('does not keep a failed read, and refuses a template the generation does not use', async () => {
    const { calls, repository } = fakeRepository();
    let fail = true;
    const contexts = new GenerationContexts({
      ...repository,
      generationContext: async () => {
        if (fail) throw new Error('database away');
        return repository.generationContext();
      },
    });
    await expect(contexts.forSlot({ generationId: 'g1', poseTemplateId: 't1' })).rejects.toThrow('database away');
    fail = false;
    await expect(contexts.forSlot({ generationId: 'g1', poseTemplateId: 't1' })).resolves.toBeDefined();
    await expect(contexts.forSlot({ generationId: 'g1', poseTemplateId: 'other' })).rejects.toThrow(/not among/);
    expect(calls.context).toBe(1);
  });
});
