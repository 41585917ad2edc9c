import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdempotencyScope } from '../common/idempotency/idempotency-scope.js';
import { Prisma } from '../generated/prisma/client.js';
import type { GenerationStatus, PoseSlotStatus } from '../generated/prisma/enums.js';
import { DatabaseService, type TransactionClient } from '../infra/database/database.service.js';

export interface NewSlot {
  poseTemplateId: string;
  prompt: string;
  seed: number;
}

export type NewGeneration = Omit<Prisma.PoseGenerationUncheckedCreateInput, 'id' | 'userId' | 'poses' | 'status'>;

/** Counters after a slot finished, read back from the same UPDATE that bumped them. */
export interface GenerationCounters {
  totalPoses: number;
  successfulPoses: number;
  failedPoses: number;
  canceledPoses: number;
  progress: number;
  status: GenerationStatus;
  avgQualityScore: number | null;
  lowQualityPoses: number;
  rerenders: number;
}

/** How a finished slot changes the generation's quality figures. */
export interface SlotQuality {
  /** The kept render's qualityScore; null when it was not scored. */
  qualityScore: number | null;
  lowQuality: boolean;
  /** Renders beyond the first. */
  rerenders: number;
}

const UNSCORED: SlotQuality = { qualityScore: null, lowQuality: false, rerenders: 0 };

/** One render of a slot, as recorded. */
export interface RenderRecord {
  renderIndex: number;
  seed: number;
  provider: string;
  modelId: string;
  qualityScore: number | null;
  poseError: number | null;
}

const SLOT_OUTCOME_COLUMN = {
  succeeded: 'successfulPoses',
  failed: 'failedPoses',
  canceled: 'canceledPoses',
} as const;

const slotWithContext = {
  generation: {
    include: {
      brandKit: { select: { colors: true } },
      avatar: { select: { image: { select: { key: true } } } },
      product: {
        select: {
          placement: true,
          productType: true,
          cutout: { select: { key: true } },
          original: { select: { key: true } },
        },
      },
    },
  },
  poseTemplate: { select: { keypoints: true, canvasWidth: true, canvasHeight: true, productPlacement: true } },
} satisfies Prisma.GeneratedPoseInclude;

export type SlotWithContext = Prisma.GeneratedPoseGetPayload<{ include: typeof slotWithContext }>;

const poseWithObjects = {
  output: { select: { key: true } },
  thumbnail: { select: { key: true } },
  poseTemplate: { select: { name: true, category: true } },
} satisfies Prisma.GeneratedPoseInclude;

export type PoseWithObjects = Prisma.GeneratedPoseGetPayload<{ include: typeof poseWithObjects }>;

@Injectable()
export class GenerationsRepository {
  constructor(private readonly database: DatabaseService) {}

  transaction<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.database.transaction(work);
  }

  /**
   * The generation and all its slots, in one transaction: the work list exists before any job does.
   * Under an Idempotency-Key the generation takes the key's id, so the retry of a create that died after
   * its commit gets that generation back (the caller enqueues its pending slots again) rather than a second.
   */
  async createWithSlots(userId: string, generation: NewGeneration, slots: NewSlot[]) {
    const id = IdempotencyScope.resourceId();
    try {
      return await this.database.transaction(async (tx) => {
        const created = await tx.poseGeneration.create({ data: { ...generation, id, userId } });
        await tx.generatedPose.createMany({
          data: slots.map((slot, slotIndex) => ({ ...slot, slotIndex, userId, generationId: created.id })),
        });
        return created;
      });
    } catch (error) {
      const earlier =
        id && error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002'
          ? await this.findOwned(userId, id)
          : null;
      if (!earlier) throw error;
      return earlier;
    }
  }

  /** Provider milliseconds of a generation's succeeded poses, summed (for the metrics' mean creation time). */
  async createdPoseMilliseconds(generationId: string, tx: TransactionClient): Promise<number> {
    const { _sum } = await tx.generatedPose.aggregate({
      where: { generationId, status: 'succeeded' },
      _sum: { generationTime: true },
    });
    return _sum.generationTime ?? 0;
  }

  findById(id: string, tx: TransactionClient = this.database.client) {
    return tx.poseGeneration.findUniqueOrThrow({ where: { id } });
  }

  findOwned(userId: string, id: string) {
    return this.database.client.poseGeneration.findFirst({ where: { id, userId } });
  }

  list(userId: string, filters: { projectId?: string; status?: GenerationStatus }, limit: number, beforeId?: string) {
    return this.database.client.poseGeneration.findMany({
      where: { userId, ...filters, ...(beforeId ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
  }

  slotIds(generationId: string, statuses: PoseSlotStatus[]): Promise<string[]> {
    return this.database.client.generatedPose
      .findMany({
        where: { generationId, status: { in: statuses } },
        select: { id: true },
        orderBy: { slotIndex: 'asc' },
      })
      .then((rows) => rows.map((row) => row.id));
  }

  /**
   * Slots of generations still running: the reconciliation's work list. Pending slots always; claimed
   * (processing) ones only when their row has not moved since `claimedBefore`, so a slot a live worker
   * is rendering (each render updates the row) is not handed to a second one.
   */
  unfinishedSlotIds(claimedBefore: Date): Promise<string[]> {
    return this.database.client.generatedPose
      .findMany({
        where: {
          OR: [{ status: 'pending' }, { status: 'processing', updatedAt: { lt: claimedBefore } }],
          generation: { status: { in: ['pending', 'processing'] } },
        },
        select: { id: true },
        orderBy: { id: 'asc' },
      })
      .then((rows) => rows.map((row) => row.id));
  }

  findSlot(slotId: string): Promise<SlotWithContext | null> {
    return this.database.client.generatedPose.findUnique({ where: { id: slotId }, include: slotWithContext });
  }

  /** Claims a slot for this run; false when it is already finished (or canceled). */
  async startSlot(slotId: string, generationId: string): Promise<boolean> {
    const now = new Date();
    const { count } = await this.database.client.generatedPose.updateMany({
      where: { id: slotId, status: { in: ['pending', 'processing'] } },
      data: { status: 'processing', startedAt: now, attempts: { increment: 1 } },
    });
    if (count === 0) return false;
    await this.database.client.poseGeneration.updateMany({
      where: { id: generationId, status: 'pending' },
      data: { status: 'processing', startedAt: now },
    });
    return true;
  }

  /** Records a slot's outcome only if it is still running; false when another run got there first. */
  async finishSlot(
    slotId: string,
    data: Prisma.GeneratedPoseUncheckedUpdateManyInput & { status: 'succeeded' | 'failed' },
    tx: TransactionClient,
  ): Promise<boolean> {
    const { count } = await tx.generatedPose.updateMany({
      where: { id: slotId, status: 'processing' },
      data: { ...data, completedAt: new Date() },
    });
    return count === 1;
  }

  /**
   * Bumps one outcome counter and the progress with a single conditional UPDATE; the row it
   * returns tells the caller whether this slot was the last one.
   */
  async countOutcome(
    generationId: string,
    outcome: keyof typeof SLOT_OUTCOME_COLUMN,
    slots: number,
    credits: number,
    tx: TransactionClient,
    quality: SlotQuality = UNSCORED,
  ): Promise<GenerationCounters> {
    const column = Prisma.raw(`"${SLOT_OUTCOME_COLUMN[outcome]}"`);
    const score = quality.qualityScore;
    // Every right-hand side reads the row before this UPDATE, so the running mean uses the old count.
    const [row] = await tx.$queryRaw<GenerationCounters[]>`
      UPDATE "PoseGeneration"
      SET ${column} = ${column} + ${slots},
          "creditUsed" = "creditUsed" + ${credits},
          "progress" = LEAST(100, FLOOR(100.0 * ("successfulPoses" + "failedPoses" + "canceledPoses" + ${slots}) / "totalPoses"))::int,
          "avgQualityScore" = CASE WHEN ${score}::float8 IS NULL THEN "avgQualityScore"
            ELSE (COALESCE("avgQualityScore", 0) * "scoredPoses" + ${score}::float8) / ("scoredPoses" + 1) END,
          "scoredPoses" = "scoredPoses" + CASE WHEN ${score}::float8 IS NULL THEN 0 ELSE 1 END,
          "lowQualityPoses" = "lowQualityPoses" + ${quality.lowQuality ? 1 : 0},
          "rerenders" = "rerenders" + ${quality.rerenders},
          "updatedAt" = NOW()
      WHERE "id" = ${generationId}::uuid
      RETURNING "totalPoses", "successfulPoses", "failedPoses", "canceledPoses", "progress", "status",
        "avgQualityScore", "lowQualityPoses", "rerenders"`;
    if (!row) throw new Error(`generation ${generationId} vanished while counting a slot`);
    return row;
  }

  /**
   * Records one render of a running slot: bumps its render count and logs the render, in one statement.
   * False when the slot is no longer running (finished or canceled by another run) or the render was logged already.
   */
  async recordRender(slot: { id: string; userId: string }, render: RenderRecord): Promise<boolean> {
    const inserted = await this.database.client.$executeRaw`
      WITH running AS (
        UPDATE "GeneratedPose" SET "renders" = GREATEST("renders", ${render.renderIndex + 1})
        WHERE "id" = ${slot.id}::uuid AND "status" = 'processing'
        RETURNING "id"
      )
      INSERT INTO "PoseRender" ("id", "userId", "poseId", "renderIndex", "seed", "provider", "modelId", "qualityScore", "poseError")
      SELECT ${randomUUID()}::uuid, ${slot.userId}::uuid, "id", ${render.renderIndex}, ${render.seed}, ${render.provider},
        ${render.modelId}, ${render.qualityScore}::float8, ${render.poseError}::float8
      FROM running
      ON CONFLICT ("poseId", "renderIndex") DO NOTHING`;
    return inserted === 1;
  }

  /** Folds a kept render's qualityScore into its template's running mean, in the slot's own transaction. */
  async recordTemplateQuality(poseTemplateId: string, qualityScore: number, tx: TransactionClient): Promise<void> {
    await tx.$executeRaw`
      UPDATE "PoseTemplate"
      SET "avgQualityScore" = (COALESCE("avgQualityScore", 0) * "qualityScoreCount" + ${qualityScore}::float8) / ("qualityScoreCount" + 1),
          "qualityScoreCount" = "qualityScoreCount" + 1
      WHERE "id" = ${poseTemplateId}::uuid`;
  }

  /** The one transition to a final status: only the caller whose UPDATE matches performs it. */
  async complete(generationId: string, status: GenerationStatus, from: GenerationStatus[], tx: TransactionClient) {
    const { count } = await tx.poseGeneration.updateMany({
      where: { id: generationId, status: { in: from } },
      data: { status, completedAt: new Date() },
    });
    return count === 1;
  }

  async chargeCredits(userId: string, credits: number, tx: TransactionClient): Promise<void> {
    if (credits > 0) await tx.user.update({ where: { id: userId }, data: { creditsUsed: { increment: credits } } });
  }

  /** Template statistics after a generation: usage, and success rate as a running mean over slots. */
  async recordTemplateOutcomes(generationId: string, tx: TransactionClient): Promise<void> {
    await tx.$executeRaw`
      UPDATE "PoseTemplate" AS t
      SET "successRate" = (t."successRate" * t."usageCount" + s.succeeded) / (t."usageCount" + s.used),
          "usageCount" = t."usageCount" + s.used,
          "updatedAt" = NOW()
      FROM (
        SELECT "poseTemplateId", COUNT(*)::int AS used, COUNT(*) FILTER (WHERE "status" = 'succeeded')::float AS succeeded
        FROM "GeneratedPose"
        WHERE "generationId" = ${generationId}::uuid AND "status" IN ('succeeded', 'failed')
        GROUP BY "poseTemplateId"
      ) AS s
      WHERE t."id" = s."poseTemplateId"`;
  }

  /** Cancels what has not started; returns how many slots it canceled. */
  async cancelPendingSlots(generationId: string, tx: TransactionClient): Promise<number> {
    const { count } = await tx.generatedPose.updateMany({
      where: { generationId, status: 'pending' },
      data: { status: 'canceled', completedAt: new Date() },
    });
    return count;
  }

  /** Puts failed slots back to pending and reopens the generation; returns their ids. */
  async reopenFailedSlots(generationId: string, tx: TransactionClient): Promise<string[]> {
    const failed = await tx.generatedPose.findMany({
      where: { generationId, status: 'failed' },
      select: { id: true },
    });
    if (failed.length === 0) return [];
    await tx.generatedPose.updateMany({
      where: { generationId, status: 'failed' },
      data: { status: 'pending', failureCode: null, failureReason: null, completedAt: null },
    });
    await tx.$executeRaw`
      UPDATE "PoseGeneration"
      SET "failedPoses" = "failedPoses" - ${failed.length},
          "progress" = FLOOR(100.0 * ("successfulPoses" + "canceledPoses" + "failedPoses" - ${failed.length}) / "totalPoses")::int,
          "status" = 'processing', "completedAt" = NULL, "updatedAt" = NOW()
      WHERE "id" = ${generationId}::uuid`;
    return failed.map((slot) => slot.id);
  }

  listPoses(
    userId: string,
    generationId: string,
    limit: number,
    beforeId?: string,
    minQualityScore?: number,
  ): Promise<PoseWithObjects[]> {
    return this.database.client.generatedPose.findMany({
      where: {
        userId,
        generationId,
        ...(beforeId ? { id: { gt: beforeId } } : {}),
        ...(minQualityScore !== undefined ? { qualityScore: { gte: minQualityScore } } : {}),
      },
      orderBy: { id: 'asc' },
      take: limit + 1,
      include: poseWithObjects,
    });
  }

  findPoseOwned(userId: string, id: string): Promise<PoseWithObjects | null> {
    return this.database.client.generatedPose.findFirst({ where: { id, userId }, include: poseWithObjects });
  }

  ratePose(id: string, userRating: number): Promise<PoseWithObjects> {
    return this.database.client.generatedPose.update({ where: { id }, data: { userRating }, include: poseWithObjects });
  }

  async countExport(id: string, tx: TransactionClient): Promise<void> {
    await tx.generatedPose.update({ where: { id }, data: { exportCount: { increment: 1 } } });
  }

  async objectKey(objectId: string, tx: TransactionClient): Promise<string> {
    return (await tx.storedObject.findUniqueOrThrow({ where: { id: objectId }, select: { key: true } })).key;
  }

  /** Succeeded outputs in slot order, a page at a time, for the archive stream. */
  succeededOutputs(generationId: string, afterSlot: number, take: number) {
    return this.database.client.generatedPose.findMany({
      where: { generationId, status: 'succeeded', slotIndex: { gt: afterSlot }, outputObjectId: { not: null } },
      orderBy: { slotIndex: 'asc' },
      take,
      select: {
        id: true,
        slotIndex: true,
        poseTemplateId: true,
        prompt: true,
        seed: true,
        provider: true,
        modelId: true,
        qualityScore: true,
        lowQuality: true,
        renders: true,
        poseTemplate: { select: { name: true, category: true } },
        output: { select: { key: true, contentType: true } },
      },
    });
  }

  /** Generations of this user still pending or processing (MAX_RUNNING_GENERATIONS). */
  countRunning(userId: string): Promise<number> {
    return this.database.client.poseGeneration.count({ where: { userId, status: { in: ['pending', 'processing'] } } });
  }

  userCredits(userId: string) {
    return this.database.client.user.findUniqueOrThrow({
      where: { id: userId },
      select: { creditQuota: true, creditsUsed: true },
    });
  }

  findAvatar(userId: string, id: string) {
    return this.database.client.avatar.findFirst({ where: { id, userId } });
  }

  findProduct(userId: string, id: string) {
    return this.database.client.product.findFirst({ where: { id, userId } });
  }

  findBrandKit(userId: string, id: string) {
    return this.database.client.brandKit.findFirst({ where: { id, userId } });
  }
}
