import { Injectable } from '@nestjs/common';
import type { PoseTemplate, Prisma } from '../generated/prisma/client.js';
import type { Gender, PoseTemplateSource } from '../generated/prisma/enums.js';
import { DatabaseService } from '../infra/database/database.service.js';
import type { PoseTemplateFiltersDto, PoseTemplateSort } from './dto/list-pose-templates-query.dto.js';

/**
 * A template row without its keypoints. Reading the keypoints JSON dominates
 * list queries (on PGlite, 100 rows take about 33 ms with it and 7 ms
 * without), and a template's keypoints only change with its updatedAt, so
 * reads leave them out and the keypoints store caches them by version.
 */
export type PoseTemplateRow = Omit<PoseTemplate, 'keypoints'>;
export type PoseTemplateFields = Omit<Prisma.PoseTemplateUncheckedCreateInput, 'id' | 'createdAt' | 'updatedAt'>;
const withoutKeypoints = { keypoints: true } satisfies Prisma.PoseTemplateOmit;

/** What pose comparisons need of a template, besides its keypoints. */
const comparableColumns = {
  id: true,
  updatedAt: true,
  canvasWidth: true,
  canvasHeight: true,
  successRate: true,
} satisfies Prisma.PoseTemplateSelect;
export type ComparableTemplateRow = Prisma.PoseTemplateGetPayload<{ select: typeof comparableColumns }>;

/** The shared library's synced columns, to tell which seeded rows changed. */
const sharedColumns = {
  id: true,
  sourceRef: true,
  name: true,
  category: true,
  subcategory: true,
  tags: true,
  gender: true,
  productPlacement: true,
  difficulty: true,
  keypoints: true,
  canvasWidth: true,
  canvasHeight: true,
  isActive: true,
} satisfies Prisma.PoseTemplateSelect;
export type SharedTemplateRow = Prisma.PoseTemplateGetPayload<{ select: typeof sharedColumns }>;

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters at about 15 columns a row. */
const INSERT_BATCH = 1000;

/** A category (`fashion-standing`, matched exactly) or a use case (`fashion`, matching every `fashion-...`). */
function categoryCondition(category: string): Prisma.PoseTemplateWhereInput {
  return category.includes('-') ? { category } : { category: { startsWith: `${category}-` } };
}

/** The shared library (no owner) plus the user's own templates. */
const visibleTo = (userId: string): Prisma.PoseTemplateWhereInput => ({ OR: [{ userId: null }, { userId }] });

/** Pose template queries. Every read is scoped to what the user may see; writes name the row they change. */
@Injectable()
export class PoseTemplatesRepository {
  constructor(private readonly database: DatabaseService) {}

  private get templates() {
    return this.database.client.poseTemplate;
  }

  /**
   * One page of active templates, `limit + 1` rows. Keyset pagination: by id
   * descending, or by the sort column descending with id breaking ties, after
   * the cursor row (whose sort value is read here, so cursors stay plain ids).
   */
  async list(
    userId: string,
    filters: PoseTemplateFiltersDto,
    sort: PoseTemplateSort | undefined,
    limit: number,
    afterId: string | undefined,
  ): Promise<PoseTemplateRow[]> {
    const conditions: Prisma.PoseTemplateWhereInput[] = [
      visibleTo(userId),
      { isActive: true },
      ...filterConditions(filters),
    ];
    if (afterId) {
      if (!sort) conditions.push({ id: { lt: afterId } });
      else {
        const after = await this.templates.findFirst({
          where: { id: afterId, ...visibleTo(userId) },
          select: { [sort]: true },
        });
        const value = after?.[sort];
        conditions.push(
          value === undefined
            ? { id: { lt: afterId } }
            : { OR: [{ [sort]: { lt: value } }, { [sort]: value, id: { lt: afterId } }] },
        );
      }
    }
    return this.templates.findMany({
      where: { AND: conditions },
      orderBy: sort ? [{ [sort]: 'desc' }, { id: 'desc' }] : [{ id: 'desc' }],
      take: limit + 1,
      omit: withoutKeypoints,
    });
  }

  findVisible(userId: string, id: string): Promise<PoseTemplateRow | null> {
    return this.templates.findFirst({ where: { id, ...visibleTo(userId) }, omit: withoutKeypoints });
  }

  findManyVisible(userId: string, ids: readonly string[]): Promise<PoseTemplateRow[]> {
    return this.templates.findMany({ where: { id: { in: [...ids] }, ...visibleTo(userId) }, omit: withoutKeypoints });
  }

  keypointsOf(ids: readonly string[]): Promise<Array<{ id: string; updatedAt: Date; keypoints: Prisma.JsonValue }>> {
    return this.templates.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, updatedAt: true, keypoints: true },
    });
  }

  async countByCategory(userId: string): Promise<Array<{ category: string; count: number }>> {
    const groups = await this.templates.groupBy({
      by: ['category'],
      where: { AND: [visibleTo(userId), { isActive: true }] },
      _count: { _all: true },
      orderBy: { category: 'asc' },
    });
    return groups.map((group) => ({ category: group.category, count: group._count._all }));
  }

  /**
   * Active templates visible to the user, optionally of one category or use case and of some genders, for
   * similarity and selection.
   */
  comparable(userId: string, category?: string, genders?: readonly Gender[]): Promise<ComparableTemplateRow[]> {
    return this.templates.findMany({
      where: {
        AND: [
          visibleTo(userId),
          { isActive: true },
          ...(category ? [categoryCondition(category)] : []),
          ...(genders ? [{ gender: { in: [...genders] } }] : []),
        ],
      },
      select: comparableColumns,
      orderBy: { id: 'asc' },
    });
  }

  create(fields: PoseTemplateFields): Promise<PoseTemplateRow> {
    return this.templates.create({ data: fields, omit: withoutKeypoints });
  }

  /** Inserts templates one by one in a transaction, so each id pairs with its input. */
  createEach(rows: readonly PoseTemplateFields[]): Promise<PoseTemplateRow[]> {
    return this.database.transaction(async (tx) => {
      const created: PoseTemplateRow[] = [];
      for (const data of rows) created.push(await tx.poseTemplate.create({ data, omit: withoutKeypoints }));
      return created;
    });
  }

  /** Inserts many templates in few statements; rows whose sourceRef exists already (another process seeding) are skipped. */
  async createMany(rows: readonly PoseTemplateFields[]): Promise<number> {
    let created = 0;
    for (let start = 0; start < rows.length; start += INSERT_BATCH) {
      const batch = await this.templates.createMany({
        data: rows.slice(start, start + INSERT_BATCH),
        skipDuplicates: true,
      });
      created += batch.count;
    }
    return created;
  }

  update(id: string, fields: Partial<PoseTemplateFields>): Promise<PoseTemplateRow> {
    return this.templates.update({ where: { id }, data: fields, omit: withoutKeypoints });
  }

  countGenerationsUsing(id: string): Promise<number> {
    return this.database.client.generatedPose.count({ where: { poseTemplateId: id } });
  }

  async delete(id: string): Promise<void> {
    await this.templates.delete({ where: { id } });
  }

  sharedOfSource(source: PoseTemplateSource): Promise<SharedTemplateRow[]> {
    return this.templates.findMany({ where: { source, userId: null }, select: sharedColumns });
  }

  async retire(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.templates.updateMany({ where: { id: { in: [...ids] } }, data: { isActive: false } });
  }
}

function filterConditions(filters: PoseTemplateFiltersDto): Prisma.PoseTemplateWhereInput[] {
  return [
    ...(filters.category ? [categoryCondition(filters.category)] : []),
    ...(filters.subcategory ? [{ subcategory: filters.subcategory }] : []),
    ...(filters.tag ? [{ tags: { has: filters.tag } }] : []),
    ...(filters.gender ? [{ gender: filters.gender }] : []),
    ...(filters.productPlacement ? [{ productPlacement: filters.productPlacement }] : []),
    ...(filters.difficulty ? [{ difficulty: filters.difficulty }] : []),
  ];
}
