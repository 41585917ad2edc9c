import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../infra/database/database.service.js';

interface LogoObject {
  id: string;
  key: string;
}

/** The logo pointer of a brand kit; ownership is checked by BrandKitsService before any of these run. */
@Injectable()
export class BrandKitLogosRepository {
  /** Points the kit at a new logo; returns the new logo and the one it replaced, if any. */
  async replaceLogo(
    brandKitId: string,
    logoObjectId: string,
    tx: TransactionClient,
  ): Promise<{ current: LogoObject; previous: LogoObject | null }> {
    const logo = { select: { logo: { select: { id: true, key: true } } } } as const;
    const before = await tx.brandKit.findUniqueOrThrow({ where: { id: brandKitId }, ...logo });
    const after = await tx.brandKit.update({ where: { id: brandKitId }, data: { logoObjectId }, ...logo });
    return { current: after.logo!, previous: before.logo };
  }
}
