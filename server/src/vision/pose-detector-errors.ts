/** detect() on a detector switched off (POSE_DETECTOR=off); callers should have checked `available`. */
export class PoseDetectorDisabledError extends Error {
  constructor() {
    super('The pose detector is switched off (POSE_DETECTOR=off).');
    this.name = 'PoseDetectorDisabledError';
  }
}

/** The bounded queue in front of the detector's worker thread is full; try again shortly. */
export class PoseDetectorBusyError extends Error {
  constructor(readonly queueLimit: number) {
    super(`The pose detector is busy: ${queueLimit} detections are already waiting.`);
    this.name = 'PoseDetectorBusyError';
  }
}

/** The bytes could not be decoded strictly as an image (corrupt, truncated, or over the pixel bound). */
export class UndecodableImageError extends Error {
  constructor(reason: string) {
    super(`The image could not be decoded (${reason}).`);
    this.name = 'UndecodableImageError';
  }
}
