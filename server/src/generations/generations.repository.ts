import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdempotencyScope } from '../common/idempotency/idempotency-scope.js';
import { uuidV7Sequence } from '../common/ids/uuid-v7.js';
import type { ProviderName } from '../config/config.schema.js';
import { Prisma } from '../generated/prisma/client.js';
import type { GenerationStatus, IdentityMode, PoseSlotStatus } from '../generated/prisma/enums.js';
import { DatabaseService, type TransactionClient } from '../infra/database/database.service.js';

export interface UserCredits {
  creditQuota: number | null;
  creditsUsed: number;
}

export interface UncountedCredits {
  provider: ProviderName;
  charged: number;
  open: number;
}

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

/** One render of a slot, as recorded. */
export interface RenderRecord {
  renderIndex: number;
  seed: number;
  provider: string;
  modelId: string;
  qualityScore: number | null;
  poseError: number | null;
}

/** A slot as its claim returns it: what a run needs of the row itself (the rest is the generation's context). */
export interface ClaimedSlot {
  id: string;
  userId: string;
  generationId: string;
  poseTemplateId: string;
  slotIndex: number;
  prompt: string;
  seed: number;
  /** Renders recorded by earlier runs; this run continues after them. */
  renders: number;
}

/** What every slot of a generation shares, read once per generation (SlotRunner caches it). */
export interface GenerationContextRow {
  userId: string;
  brandKitId: string;
  provider: string;
  width: number;
  height: number;
  negativePrompt: string | null;
  identity: IdentityMode;
  compositeProduct: boolean;
  brandColors: string[];
  avatarKey: string;
  productPlacement: string | null;
  productType: string | null;
  cutoutKey: string | null;
  originalKey: string;
}

export interface TemplateRow {
  id: string;
  keypoints: Prisma.JsonValue;
  canvasWidth: number;
  canvasHeight: number;
  productPlacement: string | null;
}

/** A new StoredObject row written with the slot that owns it. */
export interface NewObjectRow {
  id: string;
  key: string;
  contentType: string;
  size: number;
  width: number;
  height: number;
}

/** A succeeded slot as recorded; `lastRender` is the render not yet in PoseRender (it is logged with the outcome). */
export interface SlotSuccess {
  output: NewObjectRow;
  thumbnail: NewObjectRow;
  provider: string;
  modelId: string;
  providerJobId: string | null;
  seed: number;
  generationTime: number;
  qualityScore: number | null;
  poseError: number | null;
  lowQuality: boolean;
  detectedKeypoints: unknown[] | null;
  identity: IdentityMode;
  productPlacement: Record<string, unknown> | null;
  creditsCharged: number;
  lastRender: RenderRecord | undefined;
}

/** A finished slot as a count folds it into its generation, for the per-pose events and late metrics. */
export interface CountedPose {
  id: string;
  slotIndex: number;
  status: 'succeeded' | 'failed' | 'canceled';
  qualityScore: number | null;
  lowQuality: boolean;
  creditsCharged: number;
  generationTime: number | null;
  failureCode: string | null;
  failureReason: string | null;
}

/** The generation after a count: its counters, who owns it, and the poses this count folded in. */
export interface CountResult {
  counters: (GenerationCounters & { userId: string; brandKitId: string }) | undefined;
  poses: CountedPose[];
}

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
   * its commit gets that generation back (the caller enqueues its pending slots again) rather than a second,
   * whatever the retry itself met (a unique-key clash, or `admit` refusing it).
   *
   * `admit` runs first in the same transaction and may refuse the batch by throwing.
   */
  async createWithSlots(
    userId: string,
    generation: NewGeneration,
    slots: NewSlot[],
    admit: (tx: TransactionClient) => Promise<void>,
  ) {
    const id = IdempotencyScope.resourceId();
    try {
      return await this.database.transaction(async (tx) => {
        await admit(tx);
        const created = await tx.poseGeneration.create({ data: { ...generation, id, userId } });
        // One INSERT for every slot, its columns sent as four arrays: a createMany of 500 rows cost Prisma
        // ~0.3 s of main thread to build and PGlite more to parse its 3,500 parameters. The ids are made
        // here (UUIDv7, as the schema's default), so they need no second read.
        const pendingSlotIds = uuidV7Sequence(slots.length);
        await tx.$executeRaw`
          INSERT INTO "GeneratedPose" ("id", "userId", "generationId", "poseTemplateId", "slotIndex", "prompt", "seed", "updatedAt")
          SELECT slot."id", ${userId}::uuid, ${created.id}::uuid, slot."poseTemplateId", slot."ordinality" - 1,
            slot."prompt", slot."seed", NOW()
          FROM unnest(
            ${pendingSlotIds}::uuid[], ${slots.map((slot) => slot.poseTemplateId)}::uuid[],
            ${slots.map((slot) => slot.prompt)}::text[], ${slots.map((slot) => slot.seed)}::int[]
          ) WITH ORDINALITY AS slot("id", "poseTemplateId", "prompt", "seed", "ordinality")`;
        return { generation: created, pendingSlotIds };
      });
    } catch (error) {
      const earlier = id ? await this.findOwned(userId, id) : null;
      if (!earlier) throw error;
      return { generation: earlier, pendingSlotIds: await this.slotIds(earlier.id, ['pending']) };
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

  /**
   * Claims a slot for this run in one statement, and moves its generation from pending to processing.
   * Undefined when the slot is finished, or its generation canceled: the claim reads the generation's
   * status live, so a cancel is seen by the next slot whatever the context cache holds.
   */
  async claimSlot(slotId: string): Promise<ClaimedSlot | undefined> {
    const [slot] = await this.database.client.$queryRaw<ClaimedSlot[]>`
      WITH claimed AS (
        UPDATE "GeneratedPose" AS p
        SET "status" = 'processing', "startedAt" = NOW(), "attempts" = p."attempts" + 1, "updatedAt" = NOW()
        FROM "PoseGeneration" AS g
        WHERE p."id" = ${slotId}::uuid AND p."status" IN ('pending', 'processing')
          AND g."id" = p."generationId" AND g."status" <> 'canceled'
        RETURNING p."id", p."userId", p."generationId", p."poseTemplateId", p."slotIndex", p."prompt", p."seed", p."renders"
      ), started AS (
        UPDATE "PoseGeneration" SET "status" = 'processing', "startedAt" = NOW(), "updatedAt" = NOW()
        WHERE "id" = (SELECT "generationId" FROM claimed) AND "status" = 'pending'
      )
      SELECT * FROM claimed`;
    return slot;
  }

  /** The generation's settings with its brand kit colours and source image keys, in one statement. */
  async generationContext(generationId: string): Promise<GenerationContextRow | undefined> {
    const [row] = await this.database.client.$queryRaw<GenerationContextRow[]>`
      SELECT g."userId", g."brandKitId", g."provider", g."width", g."height", g."negativePrompt", g."identity",
        g."compositeProduct", b."colors" AS "brandColors", avatarImage."key" AS "avatarKey",
        p."placement" AS "productPlacement", p."productType", cutout."key" AS "cutoutKey", original."key" AS "originalKey"
      FROM "PoseGeneration" AS g
      JOIN "BrandKit" AS b ON b."id" = g."brandKitId"
      JOIN "Avatar" AS a ON a."id" = g."avatarId"
      JOIN "StoredObject" AS avatarImage ON avatarImage."id" = a."imageObjectId"
      JOIN "Product" AS p ON p."id" = g."productId"
      JOIN "StoredObject" AS original ON original."id" = p."originalObjectId"
      LEFT JOIN "StoredObject" AS cutout ON cutout."id" = p."cutoutObjectId"
      WHERE g."id" = ${generationId}::uuid`;
    return row;
  }

  /** Every template a generation's slots use, in one query. */
  generationTemplates(generationId: string): Promise<TemplateRow[]> {
    return this.database.client.poseTemplate.findMany({
      where: { generatedPoses: { some: { generationId } } },
      select: { id: true, keypoints: true, canvasWidth: true, canvasHeight: true, productPlacement: true },
    });
  }

  /**
   * Records a succeeded slot in one statement, only if it is still this run's: the outcome, its two
   * StoredObject rows and its last render. The generation's counters are not touched here: a count
   * (countFinished) folds finished slots in, many at a time. False when another run recorded it first.
   */
  async finishSucceeded(slot: { id: string; userId: string }, success: SlotSuccess): Promise<boolean> {
    const { output, thumbnail, lastRender } = success;
    const rendersAtLeast = lastRender ? lastRender.renderIndex + 1 : 0;
    const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
    const [row] = await this.database.client.$queryRaw<Array<{ count: number }>>`
      WITH finished AS (
        UPDATE "GeneratedPose"
        SET "status" = 'succeeded', "outputObjectId" = ${output.id}::uuid, "thumbnailObjectId" = ${thumbnail.id}::uuid,
          "provider" = ${success.provider}, "modelId" = ${success.modelId}, "providerJobId" = ${success.providerJobId},
          "seed" = ${success.seed}, "generationTime" = ${success.generationTime},
          "qualityScore" = ${success.qualityScore}::float8, "poseError" = ${success.poseError}::float8,
          "lowQuality" = ${success.lowQuality}, "detectedKeypoints" = ${json(success.detectedKeypoints)}::jsonb,
          "identity" = ${success.identity}::"IdentityMode", "productPlacement" = ${json(success.productPlacement)}::jsonb,
          "creditsCharged" = ${success.creditsCharged}, "renders" = GREATEST("renders", ${rendersAtLeast}),
          "completedAt" = NOW(), "updatedAt" = NOW()
        WHERE "id" = ${slot.id}::uuid AND "status" = 'processing'
        RETURNING "id"
      ), objects AS (
        INSERT INTO "StoredObject" ("id", "userId", "key", "contentType", "size", "width", "height")
        SELECT o."id", ${slot.userId}::uuid, o."key", o."contentType", o."size", o."width", o."height"
        FROM (VALUES
          (${output.id}::uuid, ${output.key}, ${output.contentType}, ${output.size}::int, ${output.width}::int, ${output.height}::int),
          (${thumbnail.id}::uuid, ${thumbnail.key}, ${thumbnail.contentType}, ${thumbnail.size}::int, ${thumbnail.width}::int, ${thumbnail.height}::int)
        ) AS o("id", "key", "contentType", "size", "width", "height")
        WHERE EXISTS (SELECT 1 FROM finished)
      ), render AS (
        INSERT INTO "PoseRender" ("id", "userId", "poseId", "renderIndex", "seed", "provider", "modelId", "qualityScore", "poseError")
        SELECT ${randomUUID()}::uuid, ${slot.userId}::uuid, "id", ${lastRender?.renderIndex ?? 0}, ${lastRender?.seed ?? 0},
          ${lastRender?.provider ?? ''}, ${lastRender?.modelId ?? ''}, ${lastRender?.qualityScore ?? null}::float8,
          ${lastRender?.poseError ?? null}::float8
        FROM finished WHERE ${lastRender !== undefined}
        ON CONFLICT ("poseId", "renderIndex") DO NOTHING
      )
      SELECT COUNT(*)::int AS "count" FROM finished`;
    return row?.count === 1;
  }

  /** Records a failed slot, only if it is still running; false when another run got there first. */
  async finishFailed(slotId: string, failureCode: string, failureReason: string): Promise<boolean> {
    const { count } = await this.database.client.generatedPose.updateMany({
      where: { id: slotId, status: 'processing' },
      data: { status: 'failed', failureCode, failureReason, completedAt: new Date() },
    });
    return count === 1;
  }

  /**
   * Serializes, across processes, the transactions that write several shared rows: counts (templates,
   * the user, the generation), completions and cancels. Without it two of them could lock the same
   * template rows in different orders and deadlock; each is short and runs once per interval at most.
   */
  async lockCounts(tx: TransactionClient): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('lumiku:generation-counts'))`;
  }

  /**
   * Folds every finished slot not yet counted into its generation, in one statement: the outcome counters,
   * progress, credits (the generation's and the user's), quality figures and the templates' running means.
   * Each slot is marked counted by the same statement, so whichever process runs it, after a crash or
   * concurrently with another, counts every slot exactly once. `counters` is undefined when nothing was new.
   */
  async countFinished(generationId: string, tx: TransactionClient): Promise<CountResult> {
    const [row] = await tx.$queryRaw<Array<{ counters: CountResult['counters'] | null; poses: CountedPose[] }>>`
      WITH newly AS (
        UPDATE "GeneratedPose" SET "counted" = true
        WHERE "generationId" = ${generationId}::uuid AND NOT "counted" AND "status" IN ('succeeded', 'failed', 'canceled')
        RETURNING "id", "userId", "slotIndex", "status", "qualityScore", "lowQuality", "renders", "creditsCharged",
          "poseTemplateId", "generationTime", "failureCode", "failureReason"
      ), totals AS (
        SELECT COUNT(*)::int AS "slots",
          COUNT(*) FILTER (WHERE "status" = 'succeeded')::int AS "succeeded",
          COUNT(*) FILTER (WHERE "status" = 'failed')::int AS "failed",
          COUNT(*) FILTER (WHERE "status" = 'canceled')::int AS "canceled",
          COUNT("qualityScore") FILTER (WHERE "status" = 'succeeded')::int AS "scored",
          COALESCE(SUM("qualityScore") FILTER (WHERE "status" = 'succeeded'), 0)::float8 AS "scoreSum",
          COUNT(*) FILTER (WHERE "status" = 'succeeded' AND "lowQuality")::int AS "lowQuality",
          COALESCE(SUM(GREATEST("renders" - 1, 0)) FILTER (WHERE "status" = 'succeeded'), 0)::int AS "rerenders",
          COALESCE(SUM("creditsCharged"), 0)::int AS "credits"
        FROM newly
      ), templates AS (
        UPDATE "PoseTemplate" AS t
        SET "avgQualityScore" = (COALESCE(t."avgQualityScore", 0) * t."qualityScoreCount" + q."sum") / (t."qualityScoreCount" + q."count"),
          "qualityScoreCount" = t."qualityScoreCount" + q."count"
        FROM (
          SELECT "poseTemplateId", COUNT(*)::int AS "count", SUM("qualityScore") AS "sum"
          FROM newly WHERE "status" = 'succeeded' AND "qualityScore" IS NOT NULL
          GROUP BY "poseTemplateId"
        ) AS q
        WHERE t."id" = q."poseTemplateId"
      ), charged AS (
        UPDATE "User" AS u SET "creditsUsed" = u."creditsUsed" + totals."credits"
        FROM totals
        WHERE u."id" = (SELECT "userId" FROM newly LIMIT 1) AND totals."credits" > 0
      ), generation AS (
        UPDATE "PoseGeneration" AS g
        SET "successfulPoses" = g."successfulPoses" + totals."succeeded",
          "failedPoses" = g."failedPoses" + totals."failed",
          "canceledPoses" = g."canceledPoses" + totals."canceled",
          "creditUsed" = g."creditUsed" + totals."credits",
          "progress" = LEAST(100, FLOOR(100.0 * (g."successfulPoses" + g."failedPoses" + g."canceledPoses" + totals."slots") / g."totalPoses"))::int,
          "avgQualityScore" = CASE WHEN totals."scored" = 0 THEN g."avgQualityScore"
            ELSE (COALESCE(g."avgQualityScore", 0) * g."scoredPoses" + totals."scoreSum") / (g."scoredPoses" + totals."scored") END,
          "scoredPoses" = g."scoredPoses" + totals."scored",
          "lowQualityPoses" = g."lowQualityPoses" + totals."lowQuality",
          "rerenders" = g."rerenders" + totals."rerenders",
          "updatedAt" = NOW()
        FROM totals
        WHERE g."id" = ${generationId}::uuid AND totals."slots" > 0
        RETURNING g."totalPoses", g."successfulPoses", g."failedPoses", g."canceledPoses", g."progress", g."status",
          g."avgQualityScore", g."lowQualityPoses", g."rerenders", g."userId", g."brandKitId"
      )
      SELECT (SELECT row_to_json(generation) FROM generation) AS "counters",
        COALESCE((SELECT json_agg(json_build_object(
          'id', "id", 'slotIndex', "slotIndex", 'status', "status", 'qualityScore', "qualityScore",
          'lowQuality', "lowQuality", 'creditsCharged', "creditsCharged", 'generationTime', "generationTime",
          'failureCode', "failureCode", 'failureReason', "failureReason") ORDER BY "slotIndex") FROM newly), '[]'::json) AS "poses"`;
    return { counters: row?.counters ?? undefined, poses: row?.poses ?? [] };
  }

  /**
   * Generations with finished slots no count has folded in yet, e.g. because the process that finished
   * them died before its count: the reconciliation counts them.
   */
  generationsWithUncountedSlots(): Promise<string[]> {
    return this.database.client.poseGeneration
      .findMany({
        where: {
          status: { in: ['pending', 'processing', 'canceled'] },
          poses: { some: { counted: false, status: { in: ['succeeded', 'failed', 'canceled'] } } },
        },
        select: { id: true },
      })
      .then((rows) => rows.map((row) => row.id));
  }

  /** Counts slots a cancel just canceled (and marked counted) into the generation's counters. */
  async countCanceled(generationId: string, slots: number, tx: TransactionClient): Promise<GenerationCounters> {
    const [row] = await tx.$queryRaw<GenerationCounters[]>`
      UPDATE "PoseGeneration"
      SET "canceledPoses" = "canceledPoses" + ${slots},
          "progress" = LEAST(100, FLOOR(100.0 * ("successfulPoses" + "failedPoses" + "canceledPoses" + ${slots}) / "totalPoses"))::int,
          "updatedAt" = NOW()
      WHERE "id" = ${generationId}::uuid
      RETURNING "totalPoses", "successfulPoses", "failedPoses", "canceledPoses", "progress", "status",
        "avgQualityScore", "lowQualityPoses", "rerenders"`;
    if (!row) throw new Error(`generation ${generationId} vanished while counting canceled slots`);
    return row;
  }

  /**
   * Records one render of a running slot: bumps its render count and logs the render, in one statement.
   * False when the slot is no longer running (finished or canceled by another run) or the render was logged already.
   */
  async recordRender(slot: { id: string; userId: string }, render: RenderRecord): Promise<boolean> {
    const inserted = await this.database.client.$executeRaw`
      WITH running AS (
        UPDATE "GeneratedPose" SET "renders" = GREATEST("renders", ${render.renderIndex + 1}), "updatedAt" = NOW()
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

  /** The one transition to a final status: only the caller whose UPDATE matches performs it. */
  async complete(generationId: string, status: GenerationStatus, from: GenerationStatus[], tx: TransactionClient) {
    const { count } = await tx.poseGeneration.updateMany({
      where: { id: generationId, status: { in: from } },
      data: { status, completedAt: new Date() },
    });
    return count === 1;
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
      data: { status: 'canceled', counted: true, completedAt: new Date() },
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
      data: { status: 'pending', counted: false, failureCode: null, failureReason: null, completedAt: null },
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

  /**
   * The user's quota and spent credits, with the user's row locked until the transaction ends: creates that
   * check the quota at the same moment then check it one after another.
   */
  async lockUserCredits(userId: string, tx: TransactionClient): Promise<UserCredits> {
    const [row] = await tx.$queryRaw<UserCredits[]>`
      SELECT "creditQuota", "creditsUsed" FROM "User" WHERE "id" = ${userId}::uuid FOR UPDATE`;
    if (!row) throw new Error(`user ${userId} is missing`);
    return row;
  }

  /**
   * What the user's slots may still add to `creditsUsed`, by the provider of their generation: credits of
   * succeeded slots not counted yet, and the number of slots still pending or running.
   */
  uncountedCredits(userId: string, tx: TransactionClient): Promise<UncountedCredits[]> {
    return tx.$queryRaw<UncountedCredits[]>`
      SELECT g."provider",
        COALESCE(SUM(p."creditsCharged") FILTER (WHERE p."status" = 'succeeded'), 0)::int AS "charged",
        COUNT(*) FILTER (WHERE p."status" IN ('pending', 'processing'))::int AS "open"
      FROM "GeneratedPose" AS p JOIN "PoseGeneration" AS g ON g."id" = p."generationId"
      WHERE p."userId" = ${userId}::uuid AND NOT p."counted"
      GROUP BY g."provider"`;
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
