export class ApiKeyDto {
  id!: string;
  name!: string;
  /** The first characters of the key, to recognise it. */
  prefix!: string;
  /** Browser origins allowed to call the API with this key or the client tokens it mints. */
  corsOrigins!: string[];
  createdAt!: string;
  lastUsedAt!: string | null;
  revokedAt!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  /** The key itself. Shown only in this answer: store it now. */
  secret!: string;
}

export class ApiKeyListDto {
  data!: ApiKeyDto[];
  nextCursor!: string | null;
}
