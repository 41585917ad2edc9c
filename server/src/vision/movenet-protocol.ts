/** Messages between MovenetThread (main thread) and movenet-worker.ts. */

/** An upright RGB image, 3 bytes per pixel, row by row; the buffer is transferred, not copied. */
export interface RgbFrame {
  pixels: Uint8Array<ArrayBuffer>;
  width: number;
  height: number;
}

export interface InferenceRequest extends RgbFrame {
  id: number;
}

export type InferenceReply =
  /** 17 COCO keypoints as (x, y, score) triplets, x/y normalised 0..1 to the frame. */
  { id: number; keypoints: number[] } | { id: number; error: string };
