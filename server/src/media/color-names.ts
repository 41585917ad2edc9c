/** CIELAB (D65): distances in it follow how different colours look, unlike distances in RGB. */
export interface Lab {
  l: number;
  a: number;
  b: number;
}

const linear = (channel: number) => {
  const value = channel / 255;
  return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
};
const labCurve = (value: number) => (value > 216 / 24389 ? Math.cbrt(value) : (24389 / 27 / 116) * value + 16 / 116);

/** sRGB 0-255 to CIELAB under D65. */
export function rgbToLab(red: number, green: number, blue: number): Lab {
  const [r, g, b] = [linear(red), linear(green), linear(blue)];
  const x = labCurve((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = labCurve(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = labCurve((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return { l: 116 * y - 16, a: 500 * (x - y), b: 200 * (y - z) };
}

export const labDistance = (first: Lab, second: Lab) =>
  Math.hypot(first.l - second.l, first.a - second.a, first.b - second.b);

const HEX_COLOR = /^#?([0-9a-f]{6})$/i;

export function hexToRgb(hex: string): [number, number, number] | undefined {
  const match = HEX_COLOR.exec(hex.trim());
  if (!match) return undefined;
  const value = parseInt(match[1], 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** Colour words a prompt can use, each at a typical shade; the nearest in CIELAB names a brand colour. */
const NAMED_COLORS: ReadonlyArray<readonly [name: string, hex: string]> = [
  ['black', '#111111'],
  ['charcoal', '#36454f'],
  ['grey', '#808080'],
  ['silver', '#c0c0c0'],
  ['white', '#ffffff'],
  ['ivory', '#fffff0'],
  ['cream', '#f3e5c0'],
  ['beige', '#d9c3a0'],
  ['tan', '#c19a6b'],
  ['camel', '#b5804b'],
  ['brown', '#7b4a2a'],
  ['chocolate', '#4a2c1d'],
  ['amber', '#d68a0c'],
  ['gold', '#d4af37'],
  ['mustard', '#d5a514'],
  ['yellow', '#f5d000'],
  ['orange', '#f28c28'],
  ['peach', '#f8c3a0'],
  ['coral', '#f47c6a'],
  ['terracotta', '#c8603e'],
  ['red', '#d62828'],
  ['crimson', '#b0102c'],
  ['burgundy', '#7a1f32'],
  ['blush pink', '#f4c2c6'],
  ['pink', '#f08cb0'],
  ['hot pink', '#e8338a'],
  ['magenta', '#c0007a'],
  ['plum', '#6e2a5a'],
  ['purple', '#6a3d9a'],
  ['lavender', '#b9a6dc'],
  ['navy', '#1b2a4a'],
  ['royal blue', '#2850c8'],
  ['blue', '#3a7bd5'],
  ['sky blue', '#8cc8ec'],
  ['teal', '#1f8a8a'],
  ['turquoise', '#30c8c0'],
  ['mint', '#a8e6c8'],
  ['sage green', '#9caf88'],
  ['olive', '#708238'],
  ['green', '#2e9e4a'],
  ['emerald', '#0f7a4f'],
  ['forest green', '#1f4d2f'],
];
const NAMED_LABS = NAMED_COLORS.map(([name, hex]) => ({ name, lab: rgbToLab(...hexToRgb(hex)!) }));

/** The nearest colour word to a #RRGGBB colour, in CIELAB; undefined for text that is not a hex colour. */
export function colorName(hex: string): string | undefined {
  const rgb = hexToRgb(hex);
  if (!rgb) return undefined;
  const lab = rgbToLab(...rgb);
  let best = NAMED_LABS[0];
  for (const named of NAMED_LABS) if (labDistance(lab, named.lab) < labDistance(lab, best.lab)) best = named;
  return best.name;
}
