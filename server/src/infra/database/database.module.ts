import { Global, Module } from '@nestjs/common';
import { DatabaseService } from './database.service.js';
import { ServerStateStore } from './server-state.store.js';

@Global()
@Module({ providers: [DatabaseService, ServerStateStore], exports: [DatabaseService, ServerStateStore] })
export class DatabaseModule {}
