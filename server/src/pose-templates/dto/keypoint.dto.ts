import { IsInt, IsNumber, Max, Min } from 'class-validator';

/** One OpenPose body joint: position normalised to the canvas, confidence 0 when missing. */
export class KeypointDto {
  /** 0 (left edge) to 1 (right edge) of the canvas. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  x!: number;

  /** 0 (top edge) to 1 (bottom edge) of the canvas. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  y!: number;

  /** Confidence 0-1; 0 means the joint is missing and is not drawn. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  c!: number;
}

/** The pixel size of the frame the keypoints are normalised against; it fixes the pose's aspect ratio. */
export class CanvasDto {
  @IsInt()
  @Min(16)
  @Max(8192)
  width!: number;

  @IsInt()
  @Min(16)
  @Max(8192)
  height!: number;
}
