import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateBuiltinLibrary } from '../../src/pose-templates/library/builtin-library.js';
import {
  poseOnOutput,
  rasterisePose,
  type ControlImageSize,
} from '../../src/pose-templates/rendering/control-image.js';
import { isPresent, type Pose } from '../../src/pose-templates/skeleton/keypoints.js';

/**
 * Our control images against controlnet_aux's draw_bodypose, reproduced with OpenCV by a small Python script
 * (Debian's python3-opencv and python3-numpy). The ControlNets were trained on that drawing, so ours must match
 * it pixel for pixel apart from the odd edge pixel.
 */
const PYTHON = '/usr/bin/python3';
const REFERENCE_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'draw_bodypose_reference.py');
const MIN_AGREEMENT = 0.97;
const TEMPLATE_COUNT = 8;

const openCvAvailable = spawnSync(PYTHON, ['-c', 'import cv2, numpy']).status === 0;
if (!openCvAvailable) {
  console.log(
    `Skipped the draw_bodypose reference comparison: ${PYTHON} cannot import cv2 and numpy ` +
      '(apt-get install -y python3-opencv python3-numpy).',
  );
}

interface Case {
  template: string;
  pose: Pose;
  size: ControlImageSize;
}

/** The reference drawings of every case, from one run of the script. */
function referenceRasters(cases: readonly Case[]): Buffer[] {
  const requests = cases.map(({ pose, size }) => ({
    ...size,
    keypoints: poseOnOutput(pose, size).map((keypoint) => (isPresent(keypoint) ? [keypoint.x, keypoint.y] : null)),
  }));
  const bytes = cases.map(({ size }) => size.width * size.height * 3);
  const run = spawnSync(PYTHON, ['-B', REFERENCE_SCRIPT], {
    input: JSON.stringify(requests),
    maxBuffer: bytes.reduce((sum, length) => sum + length, 1024),
  });
  if (run.status !== 0) throw new Error(`reference script failed: ${run.stderr.toString()}`);
  let offset = 0;
  return bytes.map((length) => run.stdout.subarray(offset, (offset += length)));
}

/** Mask IoU (painted vs black) and, over pixels painted in both, the share painted in the same colour. */
function compare(ours: Buffer, reference: Buffer): { maskIoU: number; colourAgreement: number } {
  let union = 0;
  let intersection = 0;
  let sameColour = 0;
  for (let offset = 0; offset < ours.length; offset += 3) {
    const oursPainted = ours[offset] + ours[offset + 1] + ours[offset + 2] > 0;
    const referencePainted = reference[offset] + reference[offset + 1] + reference[offset + 2] > 0;
    if (oursPainted || referencePainted) union++;
    if (!(oursPainted && referencePainted)) continue;
    intersection++;
    if (ours.subarray(offset, offset + 3).equals(reference.subarray(offset, offset + 3))) sameColour++;
  }
  return { maskIoU: intersection / union, colourAgreement: sameColour / intersection };
}

const library = generateBuiltinLibrary();
// Spread over the library, so standing, sitting, close-up, turned and mirrored templates all take part.
const cases: Case[] = Array.from(
  { length: TEMPLATE_COUNT },
  (_, index) => library[Math.floor((index * library.length) / TEMPLATE_COUNT)],
).flatMap(({ sourceRef, keypoints, canvas }) =>
  [{ width: 512, height: 768 }, { width: 768, height: 512 }, { width: 512, height: 512 }, canvas].map((size) => ({
    template: sourceRef,
    pose: { keypoints, canvas },
    size,
  })),
);

(openCvAvailable ? describe : describe.skip)('control images against the draw_bodypose reference', () => {
  it(`agree on the painted mask and on limb colours (>= ${MIN_AGREEMENT}) at 512x768, 768x512, 512x512 and each template's canvas`, () => {
    const references = referenceRasters(cases);
    const rows = cases.map(({ template, pose, size }, index) => ({
      template,
      size: `${size.width}x${size.height}`,
      ...compare(rasterisePose(pose, size), references[index]),
    }));
    const lowest = (key: 'maskIoU' | 'colourAgreement') => Math.min(...rows.map((row) => row[key])).toFixed(4);
    console.log(
      [
        `draw_bodypose reference, ${rows.length} images (cd server && npx jest test/rendering):`,
        ...rows.map(
          (row) =>
            `  ${row.template.padEnd(56)} ${row.size.padEnd(8)} mask IoU ${row.maskIoU.toFixed(4)}  colour agreement ${row.colourAgreement.toFixed(4)}`,
        ),
        `  lowest: mask IoU ${lowest('maskIoU')}, colour agreement ${lowest('colourAgreement')}`,
      ].join('\n'),
    );
    const below = rows.filter((row) => row.maskIoU < MIN_AGREEMENT || row.colourAgreement < MIN_AGREEMENT);
    expect(below).toEqual([]);
  });
});
