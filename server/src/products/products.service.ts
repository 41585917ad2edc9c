import { Inject, Injectable } from '@nestjs/common';
import { BrandKitsService } from '../brand-kits/brand-kits.service.js';
import { ProblemException } from '../common/errors/problem.js';
import { decodeCursor, toPageAsync, type Page } from '../common/pagination/pagination.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { TransactionClient } from '../infra/database/database.service.js';
import { BackgroundRemovalService } from '../media/background-removal/background-removal.service.js';
import { ImagePipeline, type EncodedImage, type ImageInput } from '../media/image-pipeline.js';
import { StoredImagesService } from '../media/stored-images.service.js';
import type { CreateProductDto } from './dto/create-product.dto.js';
import type { ProductDto } from './dto/product.dto.js';
import type { UpdateProductDto } from './dto/update-product.dto.js';
import { ProductsRepository, type ProductRow } from './products.repository.js';

@Injectable()
export class ProductsService {
  constructor(
    private readonly repository: ProductsRepository,
    private readonly brandKits: BrandKitsService,
    private readonly images: ImagePipeline,
    private readonly backgroundRemoval: BackgroundRemovalService,
    private readonly storedImages: StoredImagesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The upload limit, enforced by the controller while the request streams in. */
  get maxUploadBytes(): number {
    return this.config.uploads.maxProductBytes;
  }

  async create(userId: string, fields: CreateProductDto, photo: ImageInput, origin: string): Promise<ProductDto> {
    const { removeBackground = true, ...productFields } = fields;
    await this.brandKits.get(userId, productFields.brandKitId);
    const { image, thumbnail } = await this.images.prepare(photo);
    const removal = removeBackground ? await this.backgroundRemoval.removeBackground(image.data) : undefined;
    const cutout = removal?.status === 'succeeded' ? removal.cutout : undefined;
    const dominantColor = await this.backgroundRemoval.objectColor(image.data, cutout);
    const cutoutImage: EncodedImage | undefined = cutout && {
      data: cutout.png,
      contentType: 'image/png',
      extension: 'png',
      width: cutout.width,
      height: cutout.height,
    };
    const row = await this.storedImages.store(
      userId,
      'products',
      { original: image, thumbnail, cutout: cutoutImage },
      (tx, objectIds) =>
        this.repository.create(
          userId,
          {
            ...productFields,
            dominantColor,
            originalObjectId: objectIds.original,
            thumbnailObjectId: objectIds.thumbnail,
            cutoutObjectId: objectIds.cutout ?? null,
            width: image.width,
            height: image.height,
            backgroundRemovalStatus: removal?.status ?? 'skipped',
            backgroundRemovalMethod: removal?.method ?? null,
          },
          tx,
        ),
    );
    return this.toDto(row, origin);
  }

  async get(userId: string, id: string, origin: string): Promise<ProductDto> {
    return this.toDto(await this.requireOwned(userId, id), origin);
  }

  async list(
    userId: string,
    query: { brandKitId?: string; limit: number; cursor?: string },
    origin: string,
  ): Promise<Page<ProductDto>> {
    const rows = await this.repository.list(userId, query.brandKitId, query.limit, decodeCursor(query.cursor));
    return toPageAsync(rows, query.limit, (row) => this.toDto(row, origin));
  }

  async update(userId: string, id: string, input: UpdateProductDto, origin: string): Promise<ProductDto> {
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
      const objectIds = [owned.originalObjectId, owned.thumbnailObjectId, owned.cutoutObjectId];
      await this.storedImages.deleteRows(
        objectIds.filter((objectId): objectId is string => objectId !== null),
        tx,
      );
      return owned;
    });
    const keys = [row.original.key, row.thumbnail.key, row.cutout?.key];
    await this.storedImages.deleteFiles(keys.filter((key): key is string => key !== undefined));
  }

  private async requireOwned(userId: string, id: string, tx?: TransactionClient): Promise<ProductRow> {
    const row = await this.repository.findOwned(userId, id, tx);
    if (!row) throw ProblemException.notFound('Product');
    return row;
  }

  private async toDto(row: ProductRow, origin: string): Promise<ProductDto> {
    const [originalUrl, cutoutUrl, thumbnailUrl] = await Promise.all([
      this.storedImages.url(row.original.key, origin),
      row.cutout ? this.storedImages.url(row.cutout.key, origin) : null,
      this.storedImages.url(row.thumbnail.key, origin),
    ]);
    return {
      id: row.id,
      brandKitId: row.brandKitId,
      name: row.name,
      category: row.category,
      subcategory: row.subcategory,
      productType: row.productType,
      placement: row.placement,
      dominantColor: row.dominantColor,
      originalUrl,
      cutoutUrl,
      thumbnailUrl,
      width: row.width,
      height: row.height,
      backgroundRemoval: { status: row.backgroundRemovalStatus, method: row.backgroundRemovalMethod },
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}
