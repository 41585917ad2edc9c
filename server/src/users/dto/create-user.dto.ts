import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsOptional, IsString, Length, Max, Min, MaxLength } from 'class-validator';
import { IsOmittable } from '../../common/validation/is-omittable.js';

const MAX_CREDIT_QUOTA = 2_147_483_647;

export class CreateUserDto {
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @IsString()
  @Length(1, 120)
  name!: string;

  /** Credits the user may spend; leave it out (or null) for unlimited. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_CREDIT_QUOTA)
  @ApiPropertyOptional({ type: 'integer', nullable: true, example: 1000 })
  creditQuota?: number | null;
}

/** Changes the given fields only. */
export class UpdateUserDto {
  @IsOmittable()
  @IsString()
  @Length(1, 120)
  name?: string;

  /** Credits the user may spend from now on; null removes the limit. Credits already used stay counted. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_CREDIT_QUOTA)
  @ApiPropertyOptional({ type: 'integer', nullable: true, example: 5000 })
  creditQuota?: number | null;
}
