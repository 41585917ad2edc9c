import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { TransactionClient } from '../infra/database/database.service.js';
import { makeObjectKey } from '../infra/storage/object-key.js';
import { ObjectStorage } from '../infra/storage/object-storage.js';
import type { EncodedImage } from './image-pipeline.js';
import { StoredObjectsRepository } from './stored-objects.repository.js';

/** The StoredObject id of each image passed to `store`; optional images may have none. */
export type ObjectIds<Images> = {
  [Name in keyof Images]: undefined extends Images[Name] ? string | undefined : string;
};

/**
 * Keeps images as object-storage files plus StoredObject rows, so that a failure never leaves one without
 * the other's owner: files are written first, rows and the owning record in one transaction after, and
 * the files are deleted again if that transaction fails.
 */
@Injectable()
export class StoredImagesService {
  private readonly logger = new Logger(StoredImagesService.name);

  constructor(
    private readonly storage: ObjectStorage,
    private readonly repository: StoredObjectsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Stores each named image under a fresh key in `collection`, then runs `record` in the transaction that
   * creates the StoredObject rows, with their ids by name (undefined for an image that was left out).
   */
  async store<Images extends Partial<Record<string, EncodedImage>>, Result>(
    userId: string,
    collection: string,
    images: Images,
    record: (tx: TransactionClient, objectIds: ObjectIds<Images>) => Promise<Result>,
  ): Promise<Result> {
    const named = Object.entries(images).filter((entry): entry is [string, EncodedImage] => entry[1] !== undefined);
    const keys = named.map(([name, image]) =>
      makeObjectKey({ collection, ownerId: userId, variant: name, extension: image.extension }),
    );
    try {
      await Promise.all(named.map(([, image], index) => this.storage.put(keys[index], image.data, image.contentType)));
      return await this.repository.transaction(async (tx) => {
        const objectIds: Record<string, string> = {};
        for (const [index, [name, image]] of named.entries()) {
          objectIds[name] = await this.repository.create(
            userId,
            {
              key: keys[index],
              contentType: image.contentType,
              size: image.data.length,
              width: image.width,
              height: image.height,
            },
            tx,
          );
        }
        return record(tx, objectIds as ObjectIds<Images>);
      });
    } catch (error) {
      await this.deleteFiles(keys);
      throw error;
    }
  }

  /** Removes StoredObject rows inside the caller's transaction; delete their files after it commits. */
  deleteRows(objectIds: string[], tx: TransactionClient): Promise<void> {
    return this.repository.deleteByIds(objectIds, tx);
  }

  /** Best effort: a file left behind costs storage, never correctness, so failures are logged, not thrown. */
  async deleteFiles(keys: string[]): Promise<void> {
    const results = await Promise.allSettled(keys.map((key) => this.storage.delete(key)));
    for (const [index, result] of results.entries()) {
      if (result.status === 'rejected')
        this.logger.warn(`Could not delete object ${keys[index]}: ${String(result.reason)}`);
    }
  }

  /** A signed URL, absolute under PUBLIC_BASE_URL when set, else under the origin the request came to. */
  url(key: string, requestOrigin: string): Promise<string> {
    return this.storage.signedUrl(key, { apiBaseUrl: this.config.publicBaseUrl ?? requestOrigin });
  }
}
