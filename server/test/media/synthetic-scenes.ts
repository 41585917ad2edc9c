import sharp from 'sharp';

/**
 * Product-photo-like test scenes drawn with sharp: one object on a plain, light-grey, gradient or
 * vignetted background, JPEG-compressed like a real upload, each with the object's exact mask.
 */
export interface SyntheticScene {
  name: string;
  /** The colour the object is painted with, which dominantColor should find. */
  objectColor: string;
  photo: Buffer;
  /** One byte per pixel, 255 inside the object (labels and all), 0 outside. */
  mask: Uint8Array;
  width: number;
  height: number;
}

const WIDTH = 480;
const HEIGHT = 360;

const BACKGROUNDS = {
  white: '<rect width="100%" height="100%" fill="#ffffff"/>',
  lightGrey: '<rect width="100%" height="100%" fill="#e6e6e6"/>',
  verticalGradient:
    '<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#ffffff"/><stop offset="1" stop-color="#c3ccd8"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#bg)"/>',
  warmHorizontalGradient:
    '<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#f6efe4"/><stop offset="1" stop-color="#d6cbb8"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#bg)"/>',
  vignette:
    '<defs><radialGradient id="bg" cx="0.5" cy="0.45" r="0.75"><stop offset="0" stop-color="#fbfbfb"/><stop offset="1" stop-color="#c8c8c8"/></radialGradient></defs><rect width="100%" height="100%" fill="url(#bg)"/>',
} as const;

interface SceneSpec {
  name: string;
  background: keyof typeof BACKGROUNDS;
  objectColor: string;
  /** SVG elements of the object; `{fill}` is the object colour, `{detail}` a contrasting detail inside it. */
  object: string;
}

const SCENES: SceneSpec[] = [
  {
    name: 'red ball on white',
    background: 'white',
    objectColor: '#d62828',
    object: '<circle cx="240" cy="180" r="110" fill="{fill}"/>',
  },
  {
    name: 'navy bottle with a white label on light grey',
    background: 'lightGrey',
    objectColor: '#1d3557',
    object:
      '<rect x="190" y="40" width="100" height="290" rx="30" fill="{fill}"/><rect x="222" y="15" width="36" height="40" fill="{fill}"/><rect x="200" y="150" width="80" height="90" fill="{detail}"/>',
  },
  {
    name: 'teal jar on a vertical gradient',
    background: 'verticalGradient',
    objectColor: '#2a9d8f',
    object: '<ellipse cx="240" cy="190" rx="150" ry="115" fill="{fill}"/>',
  },
  {
    name: 'orange star on a warm horizontal gradient',
    background: 'warmHorizontalGradient',
    objectColor: '#f4a261',
    object:
      '<polygon points="240,30 282,140 400,140 305,208 340,320 240,252 140,320 175,208 80,140 198,140" fill="{fill}"/>',
  },
  {
    name: 'black boot standing on the bottom edge, vignette',
    background: 'vignette',
    objectColor: '#222222',
    object: '<path d="M170 60 L260 60 L265 250 L370 290 L380 360 L160 360 Z" fill="{fill}"/>',
  },
  {
    name: 'pale pink compact on white',
    background: 'white',
    objectColor: '#f2b8c6',
    object:
      '<rect x="120" y="90" width="240" height="180" rx="40" fill="{fill}"/><circle cx="240" cy="180" r="50" fill="{detail}"/>',
  },
  {
    name: 'purple mug with a handle hole on light grey',
    background: 'lightGrey',
    objectColor: '#6a4c93',
    object:
      '<rect x="150" y="90" width="150" height="200" rx="12" fill="{fill}"/><path d="M300 130 h40 a40 40 0 0 1 40 40 v40 a40 40 0 0 1 -40 40 h-40 v-25 h40 a15 15 0 0 0 15 -15 v-40 a15 15 0 0 0 -15 -15 h-40 Z" fill="{fill}"/>',
  },
];

/**
 * Clothes without a wearer, as shop photos show them: things a pose detector must not take for a person (kept
 * apart from SCENES, whose masks the background-removal tests score).
 */
const GARMENT_SCENES: SceneSpec[] = [
  {
    name: 'red dress on a hanger on white',
    background: 'white',
    objectColor: '#b3152a',
    object:
      '<path d="M240 22 a14 14 0 1 1 14 14 v10" fill="none" stroke="#8a8a8a" stroke-width="5"/><path d="M160 78 L240 46 L320 78" fill="none" stroke="#8a8a8a" stroke-width="6"/><path d="M205 70 L275 70 L290 150 L345 340 L135 340 L190 150 Z" fill="{fill}"/><rect x="200" y="146" width="80" height="10" fill="{detail}"/>',
  },
  {
    name: 'navy shirt on a hanger on light grey',
    background: 'lightGrey',
    objectColor: '#22335c',
    object:
      '<path d="M240 20 a12 12 0 1 1 12 12 v12" fill="none" stroke="#555555" stroke-width="5"/><path d="M150 80 L240 44 L330 80" fill="none" stroke="#555555" stroke-width="6"/><path d="M190 66 L290 66 L370 120 L345 165 L310 140 L310 320 L170 320 L170 140 L135 165 L110 120 Z" fill="{fill}"/><circle cx="240" cy="130" r="5" fill="{detail}"/><circle cx="240" cy="180" r="5" fill="{detail}"/><circle cx="240" cy="230" r="5" fill="{detail}"/>',
  },
  {
    name: 'trousers folded over a hanger bar, vignette',
    background: 'vignette',
    objectColor: '#6b5a3e',
    object:
      '<path d="M240 24 a12 12 0 1 1 12 12 v14" fill="none" stroke="#777777" stroke-width="5"/><path d="M140 90 L240 50 L340 90 Z" fill="none" stroke="#777777" stroke-width="6"/><path d="M185 88 L295 88 L305 330 L255 330 L240 160 L225 330 L175 330 Z" fill="{fill}"/>',
  },
];

function svg(content: string): Buffer {
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">${content}</svg>`);
}

async function renderScene(spec: SceneSpec): Promise<SyntheticScene> {
  const object = spec.object.replaceAll('{fill}', spec.objectColor).replaceAll('{detail}', '#ffffff');
  const photo = await sharp(svg(BACKGROUNDS[spec.background] + object))
    .jpeg({ quality: 88 })
    .toBuffer();
  const maskSvg =
    '<rect width="100%" height="100%" fill="#000"/>' + spec.object.replaceAll(/\{(fill|detail)\}/g, '#fff');
  const mask = await sharp(svg(maskSvg)).extractChannel(0).raw().toBuffer();
  return {
    name: spec.name,
    objectColor: spec.objectColor,
    photo,
    mask: new Uint8Array(mask),
    width: WIDTH,
    height: HEIGHT,
  };
}

export function syntheticScenes(): Promise<SyntheticScene[]> {
  return Promise.all(SCENES.map(renderScene));
}

export function garmentScenes(): Promise<SyntheticScene[]> {
  return Promise.all(GARMENT_SCENES.map(renderScene));
}

/** Intersection over union of two masks thresholded at half opacity. */
export function maskIoU(expected: Uint8Array, actual: Uint8Array): number {
  let intersection = 0;
  let union = 0;
  for (let index = 0; index < expected.length; index++) {
    const inExpected = expected[index] >= 128;
    const inActual = actual[index] >= 128;
    if (inExpected && inActual) intersection++;
    if (inExpected || inActual) union++;
  }
  return union === 0 ? 1 : intersection / union;
}

/** Euclidean RGB distance between two #RRGGBB colours (0 to about 441). */
export function colorDistance(first: string, second: string): number {
  const channels = (hex: string) => [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16));
  const [a, b] = [channels(first), channels(second)];
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}
