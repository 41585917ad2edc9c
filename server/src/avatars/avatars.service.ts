import { Inject, Injectable } from '@nestjs/common';
import { BrandKitsService } from '../brand-kits/brand-kits.service.js';
import { ProblemException } from '../common/errors/problem.js';
import { decodeCursor, toPageAsync, type Page } from '../common/pagination/pagination.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { TransactionClient } from '../infra/database/database.service.js';
import { ImagePipeline, type ImageInput } from '../media/image-pipeline.js';
import { StoredImagesService } from '../media/stored-images.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AvatarsRepository, type AvatarRow } from './avatars.repository.js';
import type { AvatarDto } from './dto/avatar.dto.js';
import type { CreateAvatarDto } from './dto/create-avatar.dto.js';
import type { UpdateAvatarDto } from './dto/update-avatar.dto.js';

@Injectable()
export class AvatarsService {
  constructor(
    private readonly repository: AvatarsRepository,
    private readonly brandKits: BrandKitsService,
    private readonly images: ImagePipeline,
    private readonly storedImages: StoredImagesService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The upload limit, enforced by the controller while the request streams in. */
  get maxUploadBytes(): number {
    return this.config.uploads.maxAvatarBytes;
  }

  /** Stores the avatar and counts it in the brand kit's `avatar` metrics, in one transaction. */
  async create(userId: string, fields: CreateAvatarDto, photo: ImageInput, origin: string): Promise<AvatarDto> {
    const startedAt = performance.now();
    await this.brandKits.get(userId, fields.brandKitId);
    const { image, thumbnail } = await this.images.prepare(photo);
    const row = await this.storedImages.store(userId, 'avatars', { image, thumbnail }, async (tx, objectIds) => {
      const created = await this.repository.create(
        userId,
        {
          ...fields,
          sourceType: 'upload',
          imageObjectId: objectIds.image,
          thumbnailObjectId: objectIds.thumbnail,
          width: image.width,
          height: image.height,
        },
        tx,
      );
      const seconds = (performance.now() - startedAt) / 1000;
      await this.metrics.recordAvatar(
        { userId, brandKitId: fields.brandKitId, createdAt: created.createdAt, seconds },
        tx,
      );
      return created;
    });
    return this.toDto(row, origin);
  }

  async get(userId: string, id: string, origin: string): Promise<AvatarDto> {
    return this.toDto(await this.requireOwned(userId, id), origin);
  }

  async list(
    userId: string,
    query: { brandKitId?: string; limit: number; cursor?: string },
    origin: string,
  ): Promise<Page<AvatarDto>> {
    const rows = await this.repository.list(userId, query.brandKitId, query.limit, decodeCursor(query.cursor));
    return toPageAsync(rows, query.limit, (row) => this.toDto(row, origin));
  }

  async update(userId: string, id: string, input: UpdateAvatarDto, origin: string): Promise<AvatarDto> {
    if (input.brandKitId) await this.brandKits.get(userId, input.brandKitId);
    const row = await this.repository.transaction(async (tx) => {
      await this.requireOwned(userId, id, tx);
      return this.repository.update(id, input, tx);
    });
    return this.toDto(row, origin);
  }

  async delete(userId: string, id: string): Promise<void> {
    const row = await this.repository.transaction(async (tx) => {
      const owned = await this.requireOwned(userId, id, tx);
      await this.repository.delete(id, tx);
      await this.storedImages.deleteRows([owned.imageObjectId, owned.thumbnailObjectId], tx);
      return owned;
    });
    await this.storedImages.deleteFiles([row.image.key, row.thumbnail.key]);
  }

  private async requireOwned(userId: string, id: string, tx?: TransactionClient): Promise<AvatarRow> {
    const row = await this.repository.findOwned(userId, id, tx);
    if (!row) throw ProblemException.notFound('Avatar');
    return row;
  }

  private async toDto(row: AvatarRow, origin: string): Promise<AvatarDto> {
    const [imageUrl, thumbnailUrl] = await Promise.all([
      this.storedImages.url(row.image.key, origin),
      this.storedImages.url(row.thumbnail.key, origin),
    ]);
    return {
      id: row.id,
      brandKitId: row.brandKitId,
      name: row.name,
      gender: row.gender,
      ageRange: row.ageRange,
      style: row.style,
      ethnicity: row.ethnicity,
      sourceType: row.sourceType,
      imageUrl,
      thumbnailUrl,
      width: row.width,
      height: row.height,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}
