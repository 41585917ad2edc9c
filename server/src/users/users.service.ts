import { Injectable } from '@nestjs/common';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { ProblemException } from '../common/errors/problem.js';
import { DatabaseService } from '../infra/database/database.service.js';
import type { CreateUserDto, UpdateUserDto } from './dto/create-user.dto.js';
import type { CreatedUserDto, UserDto } from './dto/user.dto.js';
import { UsersRepository } from './users.repository.js';

type UserRow = Awaited<ReturnType<UsersRepository['upsertByEmail']>>;

export function toUserDto(row: UserRow): UserDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    creditQuota: row.creditQuota,
    creditsUsed: row.creditsUsed,
    createdAt: row.createdAt.toISOString(),
  };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repository: UsersRepository,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** Creates a user and its first API key together: no user is ever left without a key. */
  createWithKey({ email, name, creditQuota }: CreateUserDto): Promise<CreatedUserDto> {
    return this.database.transaction(async (tx) => {
      const user = await this.repository.create(
        { email: email.toLowerCase(), name, creditQuota: creditQuota ?? null },
        tx,
      );
      const key = await this.apiKeys.create(user.id, 'default', { tx });
      return { user: toUserDto(user), apiKey: key.secret };
    });
  }

  async update(id: string, { name, creditQuota }: UpdateUserDto): Promise<UserDto> {
    const user = await this.repository.update(id, { name, creditQuota });
    if (!user) throw ProblemException.notFound('User');
    return toUserDto(user);
  }

  ensure(email: string, name: string): Promise<UserRow> {
    return this.repository.upsertByEmail({ email, name });
  }

  count(): Promise<number> {
    return this.repository.count();
  }
}
