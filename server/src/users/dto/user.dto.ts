export class UserDto {
  id!: string;
  email!: string;
  name!: string;
  /** Credits the user may spend; null means unlimited. */
  creditQuota!: number | null;
  creditsUsed!: number;
  createdAt!: string;
}

export class CreatedUserDto {
  user!: UserDto;
  /** The user's first API key. Shown only in this answer. */
  apiKey!: string;
}
