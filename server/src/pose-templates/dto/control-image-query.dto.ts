import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_CONTROL_IMAGE_SIDE = 2048;

export class ControlImageQueryDto {
  /** Image width in pixels; defaults to the template's canvas width. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(64)
  @Max(MAX_CONTROL_IMAGE_SIDE)
  width?: number;

  /** Image height in pixels; defaults to the template's canvas height. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(64)
  @Max(MAX_CONTROL_IMAGE_SIDE)
  height?: number;

  /** Round each side to the nearest multiple of 64, as diffusion models expect. */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  roundToMultipleOf64: boolean = false;
}
