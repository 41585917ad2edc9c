import { ApiProperty } from '@nestjs/swagger';
import { ClientTokenScope } from '../client-token-scopes.js';

export class ClientTokenDto {
  /** Send as `Authorization: Bearer <token>` from the browser, in place of an API key. */
  token!: string;
  brandKitId!: string;

  @ApiProperty({ enum: ClientTokenScope, enumName: 'ClientTokenScope', isArray: true })
  scopes!: ClientTokenScope[];

  /** After this instant the token answers 401. */
  expiresAt!: string;
}
