import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import sharp from 'sharp';
import { AvatarsService } from '../avatars/avatars.service.js';
import { BrandKitsService } from '../brand-kits/brand-kits.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ProductsService } from '../products/products.service.js';
import { DevAccessService } from '../users/dev-access.service.js';

/** Ids that make the API's prefilled examples run as they are. */
export interface SampleIds {
  brandKitId: string;
  avatarId: string;
  productId: string;
}

/** Only ever read for signed URLs in the answers, which nobody looks at here. */
const INTERNAL_ORIGIN = 'http://127.0.0.1';

/**
 * The development user's examples: a user with nothing yet gets a sample brand kit, avatar and product, so
 * the first generation (Swagger UI's prefilled example, the getting-started guide, a curl) needs no upload;
 * later, the examples name that user's newest avatar and product. Done after start-up, without holding it up.
 */
@Injectable()
export class DevSamplesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DevSamplesService.name);
  private samples: SampleIds | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly devAccess: DevAccessService,
    private readonly brandKits: BrandKitsService,
    private readonly avatars: AvatarsService,
    private readonly products: ProductsService,
  ) {}

  /** The samples, once made on this start. */
  get ids(): SampleIds | undefined {
    return this.samples;
  }

  onApplicationBootstrap(): void {
    // Not awaited: the samples must not delay readiness, and the dev user is made by another module's hook.
    this.devAccess.devUser
      .then((userId) => (userId ? this.prepare(userId) : undefined))
      .catch((error: unknown) => this.logger.warn(`sample assets were not prepared: ${String(error)}`));
  }

  private async prepare(userId: string): Promise<void> {
    const [avatars, products, kits] = await Promise.all([
      this.avatars.list(userId, { limit: 1 }, INTERNAL_ORIGIN),
      this.products.list(userId, { limit: 1 }, INTERNAL_ORIGIN),
      this.brandKits.list(userId, 1, undefined),
    ]);
    const [avatar, product] = [avatars.data[0], products.data[0]];
    if (avatar && product)
      this.samples = { brandKitId: product.brandKitId, avatarId: avatar.id, productId: product.id };
    else if (kits.data.length === 0) await this.create(userId);
  }

  private async create(userId: string): Promise<void> {
    const kit = await this.brandKits.create(userId, {
      brandName: 'Sample Studio',
      colors: ['#F4B6C2', '#1B1B1B'],
      tone: 'calm',
    });
    const avatarPhoto = await sharp({ create: { width: 600, height: 900, channels: 3, background: '#c8a48c' } })
      .jpeg()
      .toBuffer();
    const bottle = await sharp({ create: { width: 480, height: 480, channels: 3, background: '#ffffff' } })
      .composite([
        { input: { create: { width: 150, height: 300, channels: 3, background: '#d9822b' } }, left: 165, top: 90 },
      ])
      .png()
      .toBuffer();
    const avatar = await this.avatars.create(
      userId,
      { brandKitId: kit.id, name: 'Sample model', gender: 'female' },
      avatarPhoto,
      INTERNAL_ORIGIN,
    );
    const product = await this.products.create(
      userId,
      { brandKitId: kit.id, name: 'Sample serum', productType: 'serum', placement: 'hand-right' },
      bottle,
      INTERNAL_ORIGIN,
    );
    this.samples = { brandKitId: kit.id, avatarId: avatar.id, productId: product.id };
    if (this.config.env !== 'test')
      this.logger.log('Created a sample brand kit, avatar and product for the development user');
  }
}
