import { IsString, Length } from 'class-validator';

export class CreateApiKeyDto {
  /** A label to recognise the key by, e.g. "storefront production". */
  @IsString()
  @Length(1, 100)
  name!: string;
}
