/**
 * How big a product looks in the hand or on the body: its longer side as a multiple of the wearer's shoulder
 * width (about 40 cm on an adult). Products name their type freely (`productType`, e.g. "serum bottle"), so
 * the first entry whose word appears in the type wins (specific words come before general ones); a type no entry names takes its placement's default.
 */
const SIZE_BY_TYPE_WORD: ReadonlyArray<readonly [word: string, shoulderWidths: number]> = [
  ['lipstick', 0.2],
  ['lip', 0.22],
  ['watch', 0.15],
  ['ring', 0.08],
  ['earring', 0.1],
  ['sunglasses', 0.4],
  ['glasses', 0.4],
  ['compact', 0.22],
  ['serum', 0.3],
  ['dropper', 0.3],
  ['perfume', 0.3],
  ['fragrance', 0.3],
  ['cream', 0.28],
  ['jar', 0.3],
  ['tube', 0.4],
  ['mascara', 0.3],
  ['phone', 0.38],
  ['cup', 0.3],
  ['mug', 0.3],
  ['can', 0.3],
  ['bottle', 0.5],
  ['book', 0.55],
  ['box', 0.5],
  ['shoe', 0.7],
  ['sneaker', 0.7],
  ['boot', 0.8],
  ['hat', 0.7],
  ['cap', 0.6],
  ['necklace', 0.5],
  ['scarf', 1],
  ['clutch', 0.6],
  ['handbag', 0.8],
  ['tote', 1],
  ['backpack', 1.1],
  ['bag', 0.9],
  ['toy', 0.5],
  ['shirt', 1.5],
  ['t-shirt', 1.5],
  ['top', 1.4],
  ['sweater', 1.6],
  ['jacket', 1.7],
  ['coat', 2],
  ['dress', 2.2],
];

/** When the type names nothing known: a small hand-held item, a larger two-handed one, a garment-sized worn one. */
const SIZE_BY_PLACEMENT: Record<string, number> = {
  'hand-left': 0.4,
  'hand-right': 0.4,
  'both-hands': 0.6,
  'near-face': 0.3,
  worn: 1.2,
};
const DEFAULT_SIZE = 0.4;

/** The product's longer side in shoulder widths, from its type's words, else from its placement. */
export function productSizeInShoulderWidths(productType: string | null | undefined, placement: string): number {
  const words = (productType ?? '').toLowerCase().split(/[^a-z-]+/);
  for (const [word, size] of SIZE_BY_TYPE_WORD) {
    if (words.some((typeWord) => typeWord === word || typeWord === `${word}s` || typeWord === `${word}es`)) {
      return size;
    }
  }
  return SIZE_BY_PLACEMENT[placement] ?? DEFAULT_SIZE;
}
