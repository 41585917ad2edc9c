import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ObjectStorage, type StoredObjectEntry } from '../infra/storage/object-storage.js';
import { OrphanObjectsRepository } from './orphan-objects.repository.js';

/**
 * A file is written before its row commits; younger than this it may still be on its way to a commit,
 * and no upload or render takes an hour between the two.
 */
export const ORPHAN_MIN_AGE_MS = 60 * 60 * 1000;
const KEYS_PER_QUERY = 500;

/**
 * Removes stored files that no StoredObject row names: what a crash between writing a file and committing
 * its row leaves behind. Runs in worker processes (RUN_WORKERS) every ORPHAN_SWEEP_INTERVAL_MS; deleting
 * is idempotent, so several workers sweeping at once is harmless.
 */
@Injectable()
export class OrphanSweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OrphanSweep.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly repository: OrphanObjectsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runWorkers) return;
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweep(new Date(Date.now() - ORPHAN_MIN_AGE_MS))
        .then(
          () => undefined,
          (error: unknown) => this.logger.warn(`orphan sweep failed, retried next interval: ${String(error)}`),
        )
        .finally(() => {
          this.sweeping = undefined;
        });
    }, this.config.orphanSweepIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** Deletes the files written before `writtenBefore` that no row names; returns their keys. */
  async sweep(writtenBefore: Date): Promise<string[]> {
    const removed: string[] = [];
    let batch: StoredObjectEntry[] = [];
    const flush = async () => {
      const recorded = await this.repository.recordedKeys(batch.map((entry) => entry.key));
      for (const { key } of batch) {
        if (recorded.has(key)) continue;
        await this.storage.delete(key);
        removed.push(key);
      }
      batch = [];
    };
    for await (const entry of this.storage.list()) {
      if (entry.modifiedAt >= writtenBefore) continue;
      batch.push(entry);
      if (batch.length >= KEYS_PER_QUERY) await flush();
    }
    if (batch.length > 0) await flush();
    if (removed.length > 0) this.logger.warn(`Orphan sweep removed ${removed.length} file(s) no row names`);
    return removed;
  }
}
