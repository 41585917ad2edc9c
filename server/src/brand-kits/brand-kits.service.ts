import { Injectable } from '@nestjs/common';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import { decodeCursor, toPage, type Page } from '../common/pagination/pagination.js';
import type { TransactionClient } from '../infra/database/database.service.js';
import { BrandKitsRepository, type BrandKitFields, type BrandKitRow } from './brand-kits.repository.js';
import type { BrandKitDto, BrandKitFontDto } from './dto/brand-kit.dto.js';
import type { CreateBrandKitDto } from './dto/create-brand-kit.dto.js';
import type { UpdateBrandKitDto } from './dto/update-brand-kit.dto.js';

export function toBrandKitDto(row: BrandKitRow): BrandKitDto {
  return {
    id: row.id,
    brandName: row.brandName,
    colors: row.colors,
    fonts: row.fonts as unknown as BrandKitFontDto[],
    category: row.category,
    tone: row.tone,
    tagline: row.tagline,
    isDefault: row.defaultOf !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Colours are stored upper-case so equal colours compare equal. */
function toFields(input: UpdateBrandKitDto): Partial<BrandKitFields> {
  const { isDefault: _isDefault, colors, fonts, ...rest } = input;
  return {
    ...rest,
    ...(colors ? { colors: colors.map((color) => color.toUpperCase()) } : {}),
    ...(fonts
      ? { fonts: fonts.map((font) => ({ family: font.family, weights: [...new Set(font.weights)].sort() })) }
      : {}),
  };
}

@Injectable()
export class BrandKitsService {
  constructor(private readonly repository: BrandKitsRepository) {}

  create(userId: string, input: CreateBrandKitDto): Promise<BrandKitDto> {
    return this.repository.transactionForOwner(userId, async (tx) => {
      const created = await this.repository.create(userId, { brandName: input.brandName, ...toFields(input) }, tx);
      // The first kit becomes the default; an explicit isDefault: false opts out.
      if (input.isDefault !== false) await this.repository.setDefault(userId, created.id, tx, input.isDefault !== true);
      return toBrandKitDto(await this.requireOwned(userId, created.id, tx));
    });
  }

  async get(userId: string, id: string): Promise<BrandKitDto> {
    return toBrandKitDto(await this.requireOwned(userId, id));
  }

  async list(userId: string, limit: number, cursor: string | undefined): Promise<Page<BrandKitDto>> {
    return toPage(await this.repository.list(userId, limit, decodeCursor(cursor)), limit, toBrandKitDto);
  }

  update(userId: string, id: string, input: UpdateBrandKitDto): Promise<BrandKitDto> {
    return this.repository.transactionForOwner(userId, async (tx) => {
      const existing = await this.requireOwned(userId, id, tx);
      const fields = toFields(input);
      if (Object.keys(fields).length > 0) await this.repository.update(id, fields, tx);
      const isDefault = existing.defaultOf !== null;
      if (input.isDefault === true && !isDefault) await this.repository.setDefault(userId, id, tx);
      if (input.isDefault === false && isDefault) await this.repository.setDefault(userId, null, tx);
      return toBrandKitDto(await this.requireOwned(userId, id, tx));
    });
  }

  delete(userId: string, id: string): Promise<void> {
    return this.repository.transactionForOwner(userId, async (tx) => {
      await this.requireOwned(userId, id, tx);
      const { avatars, products } = await this.repository.countReferences(id, tx);
      if (avatars + products > 0) {
        throw new ProblemException(
          409,
          ProblemCode.ResourceInUse,
          `The brand kit is used by ${avatars} avatar(s) and ${products} product(s); delete or move them first.`,
        );
      }
      await this.repository.delete(id, tx);
    });
  }

  private async requireOwned(userId: string, id: string, tx?: TransactionClient): Promise<BrandKitRow> {
    const row = await this.repository.findOwned(userId, id, tx);
    if (!row) throw ProblemException.notFound('Brand kit');
    return row;
  }
}
