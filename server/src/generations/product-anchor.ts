import { placeCanvas, type ControlImageSize } from '../pose-templates/rendering/control-image.js';
import { isPresent, Joint, type Keypoint, type Pose } from '../pose-templates/skeleton/keypoints.js';

/** The joints a product sits at, by placement; the first present group wins. */
const ANCHOR_JOINTS: Record<string, number[][]> = {
  'hand-left': [[Joint.leftWrist], [Joint.leftElbow]],
  'hand-right': [[Joint.rightWrist], [Joint.rightElbow]],
  'both-hands': [[Joint.leftWrist, Joint.rightWrist], [Joint.rightWrist], [Joint.leftWrist]],
  'near-face': [[Joint.nose], [Joint.neck]],
  worn: [[Joint.neck, Joint.rightHip, Joint.leftHip], [Joint.neck]],
};

function centre(points: Keypoint[]): Keypoint {
  const x = points.reduce((sum, point) => sum + point.x, 0) / points.length;
  const y = points.reduce((sum, point) => sum + point.y, 0) / points.length;
  return { x, y, c: 1 };
}

/**
 * Where the product goes in the output image, in pixels: the joints its placement
 * names (the product's own placement first, else the template's), mapped through
 * the same aspect fit as the control image. Undefined when the pose lacks them.
 */
export function productAnchor(
  pose: Pose,
  placement: string | null,
  size: ControlImageSize,
): { x: number; y: number } | undefined {
  const groups = (placement && ANCHOR_JOINTS[placement]) || [];
  for (const group of groups) {
    const points = group
      .map((index) => pose.keypoints[index])
      .filter((point): point is Keypoint => !!point && isPresent(point));
    if (points.length !== group.length) continue;
    const { x, y } = centre(points);
    const { scale, offsetX, offsetY } = placeCanvas(pose.canvas, size);
    return {
      x: Math.round(offsetX + x * pose.canvas.width * scale),
      y: Math.round(offsetY + y * pose.canvas.height * scale),
    };
  }
  return undefined;
}
