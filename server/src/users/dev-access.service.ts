import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { UsersService } from './users.service.js';

const DEV_USER = { email: 'dev@lumiku.local', name: 'Development user' };
const DEV_KEY_FILE = 'dev-api-key';

/**
 * Makes a fresh embedded server usable at once: with DEV_API_KEY it ensures a
 * development user holding exactly that key; on a first embedded start with
 * neither DEV_API_KEY nor ADMIN_TOKEN it mints one and keeps it under DATA_DIR
 * so later starts can print it again.
 */
@Injectable()
export class DevAccessService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DevAccessService.name);
  /** The key to print at start, when there is one. */
  devApiKey: string | undefined;
  /** The development user (DEV_API_KEY's, or a fresh embedded server's), once start-up has settled. */
  readonly devUser: Promise<string | undefined>;
  private settleDevUser!: (userId: string | undefined) => void;
  private devUserId: string | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
  ) {
    this.devUser = new Promise((resolve) => (this.settleDevUser = resolve));
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.provideDevAccess();
    } finally {
      this.settleDevUser(this.devUserId);
    }
  }

  private async provideDevAccess(): Promise<void> {
    if (this.config.devApiKey) {
      const user = await this.users.ensure(DEV_USER.email, DEV_USER.name);
      await this.apiKeys.ensureKey(user.id, 'DEV_API_KEY', this.config.devApiKey);
      this.devUserId = user.id;
      this.devApiKey = this.config.devApiKey;
      return;
    }
    if (this.config.adminToken || this.config.databaseUrl || this.config.env === 'production') return;
    this.devApiKey = await this.firstRunKey();
  }

  private async firstRunKey(): Promise<string | undefined> {
    const keyFile = path.join(this.config.dataDir, DEV_KEY_FILE);
    const saved = (await readFile(keyFile, 'utf8').catch(() => '')).trim();
    const owner = saved ? await this.apiKeys.authenticate(saved) : undefined;
    if (owner) {
      this.devUserId = owner.auth.userId;
      return saved;
    }
    if ((await this.users.count()) > 0) return undefined;
    const created = await this.users.createWithKey({ email: DEV_USER.email, name: DEV_USER.name });
    this.devUserId = created.user.id;
    await writeFile(keyFile, `${created.apiKey}\n`, { mode: 0o600 });
    this.logger.log(`Created a development user; its key is kept in ${keyFile}`);
    return created.apiKey;
  }
}
