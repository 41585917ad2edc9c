import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../infra/database/database.service.js';

/** Read-only lookups tying a request's resources to a brand kit. */
@Injectable()
export class ClientTokensRepository {
  constructor(private readonly database: DatabaseService) {}

  async ownsBrandKit(userId: string, brandKitId: string): Promise<boolean> {
    return (await this.database.client.brandKit.count({ where: { id: brandKitId, userId } })) > 0;
  }

  async generationBrandKitId(userId: string, generationId: string): Promise<string | undefined> {
    const row = await this.database.client.poseGeneration.findFirst({
      where: { id: generationId, userId },
      select: { brandKitId: true },
    });
    return row?.brandKitId;
  }

  async avatarBrandKitId(userId: string, avatarId: string): Promise<string | undefined> {
    const row = await this.database.client.avatar.findFirst({
      where: { id: avatarId, userId },
      select: { brandKitId: true },
    });
    return row?.brandKitId;
  }

  async productBrandKitId(userId: string, productId: string): Promise<string | undefined> {
    const row = await this.database.client.product.findFirst({
      where: { id: productId, userId },
      select: { brandKitId: true },
    });
    return row?.brandKitId;
  }
}
