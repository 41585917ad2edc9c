import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AdminUsersController } from './admin-users.controller.js';
import { DevAccessService } from './dev-access.service.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [ApiKeysModule],
  controllers: [AdminUsersController],
  providers: [UsersRepository, UsersService, DevAccessService],
  exports: [UsersService, DevAccessService],
})
export class UsersModule {}
