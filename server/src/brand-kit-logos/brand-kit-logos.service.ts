import { Inject, Injectable } from '@nestjs/common';
import { BrandKitsService } from '../brand-kits/brand-kits.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ImagePipeline } from '../media/image-pipeline.js';
import { StoredImagesService } from '../media/stored-images.service.js';
import { BrandKitLogosRepository } from './brand-kit-logos.repository.js';
import type { BrandKitLogoDto } from './dto/brand-kit-logo.dto.js';

@Injectable()
export class BrandKitLogosService {
  constructor(
    private readonly repository: BrandKitLogosRepository,
    private readonly brandKits: BrandKitsService,
    private readonly images: ImagePipeline,
    private readonly storedImages: StoredImagesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Logos share the avatar limit: both are single photos, and a logo is usually far smaller. */
  get maxUploadBytes(): number {
    return this.config.uploads.maxAvatarBytes;
  }

  /** Stores the logo (re-encoded in its own format, so a PNG keeps its transparency) and drops the old one. */
  async replace(userId: string, brandKitId: string, upload: Buffer, origin: string): Promise<BrandKitLogoDto> {
    await this.brandKits.get(userId, brandKitId);
    const { image } = await this.images.prepare(upload);
    const logo = await this.storedImages.store(userId, 'brand-kit-logos', { logo: image }, async (tx, objectIds) => {
      const replaced = await this.repository.replaceLogo(brandKitId, objectIds.logo, tx);
      if (replaced.previous) await this.storedImages.deleteRows([replaced.previous.id], tx);
      return replaced;
    });
    if (logo.previous) await this.storedImages.deleteFiles([logo.previous.key]);
    return {
      brandKitId,
      logoUrl: await this.storedImages.url(logo.current.key, origin),
      width: image.width,
      height: image.height,
    };
  }
}
