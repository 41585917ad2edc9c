import { ArrayMaxSize, IsOptional, IsString, Length, Matches } from 'class-validator';

/** `scheme://host[:port]` exactly as a browser sends it in the `Origin` header. */
const ORIGIN_PATTERN = /^https?:\/\/[^/\s]+$/;

export class CreateApiKeyDto {
  /** A label to recognise the key by, e.g. "storefront production". */
  @IsString()
  @Length(1, 100)
  name!: string;

  /**
   * Browser origins (e.g. `https://shop.example.com`) whose pages may call the API with this key's
   * client tokens. None by default: browsers are refused.
   */
  @IsOptional()
  @ArrayMaxSize(50)
  @Matches(ORIGIN_PATTERN, {
    each: true,
    message: 'each corsOrigins entry must be an origin like https://shop.example.com',
  })
  corsOrigins?: string[];
}
