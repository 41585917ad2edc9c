/** Seeds are 31-bit so every provider takes them. */
export const MAX_SEED = 2_147_483_647;

/** Distinct, reproducible seeds per slot of a batch; 7919 (a prime) keeps neighbours apart. */
export function slotSeed(generationSeed: number, slotIndex: number): number {
  return (generationSeed + slotIndex * 7919) % MAX_SEED;
}

/** The slot's own seed for its first render, then distinct seeds derived from it; 104729 (a prime) keeps them apart. */
export function renderSeed(seed: number, renderIndex: number): number {
  return (seed + renderIndex * 104_729) % MAX_SEED;
}
