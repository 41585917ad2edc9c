import sharp from 'sharp';
import type { Identity, PoseImageRequest } from './pose-image-provider.js';

/**
 * IP-Adapter image encoders look at a 224 px crop, so a 10 MB upload would only make every slot's request
 * heavier: the avatar travels as a JPEG no larger than this on its longer side.
 */
const REFERENCE_LONGER_SIDE = 768;
const REFERENCE_JPEG_QUALITY = 90;
/** How strongly the avatar steers the person when IP_ADAPTER_SCALE is unset: identity without freezing the pose. */
export const DEFAULT_IP_ADAPTER_SCALE = 0.6;

/** The avatar a route should send, when the generation asked for identity and the route can take a reference. */
export function avatarToSend(request: PoseImageRequest, routeTakesReference: boolean): Buffer | undefined {
  return routeTakesReference && request.identity === 'avatar' ? request.avatarImage : undefined;
}

export function identityOf(avatar: Buffer | undefined): Identity {
  return avatar ? 'avatar' : 'none';
}

/** The avatar as a reference image for a hosted model: upright (EXIF applied), bounded, JPEG. */
export function referenceJpeg(avatar: Buffer): Promise<Buffer> {
  return sharp(avatar)
    .rotate()
    .resize(REFERENCE_LONGER_SIDE, REFERENCE_LONGER_SIDE, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: REFERENCE_JPEG_QUALITY })
    .toBuffer();
}

export function jpegDataUri(jpeg: Buffer): string {
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}
