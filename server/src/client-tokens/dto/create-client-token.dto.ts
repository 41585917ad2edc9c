import { ApiProperty } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsEnum, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ClientTokenScope } from '../client-token-scopes.js';

export const MAX_CLIENT_TOKEN_TTL_SECONDS = 86_400;
export const DEFAULT_CLIENT_TOKEN_TTL_SECONDS = 3_600;

export class CreateClientTokenDto {
  /** The only brand kit the token can generate for and read generations of. */
  @IsUUID()
  brandKitId!: string;

  @ApiProperty({ enum: ClientTokenScope, enumName: 'ClientTokenScope', isArray: true })
  @IsEnum(ClientTokenScope, { each: true })
  @ArrayMinSize(1)
  @ArrayUnique()
  scopes!: ClientTokenScope[];

  /** Lifetime in seconds (60 to 86400); one hour when omitted. */
  @ApiProperty({ type: 'integer', minimum: 60, maximum: MAX_CLIENT_TOKEN_TTL_SECONDS, required: false })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_CLIENT_TOKEN_TTL_SECONDS)
  ttlSeconds?: number;
}
