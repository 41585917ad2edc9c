import sharp from 'sharp';

/** sharp's process-wide settings, applied once at boot (MediaModule). */
export function configureSharp(threadsPerImage: number): void {
  // libvips' operation cache keeps recent operations with their input buffers for reuse; no upload or
  // render is decoded twice the same way, so it would only hold tens of MB of images no one needs.
  sharp.cache(false);
  sharp.concurrency(threadsPerImage);
}
