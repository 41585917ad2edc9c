import { Injectable } from '@nestjs/common';
import path from 'node:path';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import { serialiseJson, type CachedJson } from '../common/http-cache/http-cache.js';
import { decodeCursor, toPage, type Page } from '../common/pagination/pagination.js';
import { Gender, PoseTemplateSource } from '../generated/prisma/enums.js';
import type { ControlImageQueryDto } from './dto/control-image-query.dto.js';
import { MAX_CONTROL_IMAGE_SIDE } from './dto/control-image-query.dto.js';
import type { CreatePoseTemplateDto, PoseTemplateFromPhotoFieldsDto } from './dto/create-pose-template.dto.js';
import type { PoseImportResultDto } from './dto/import-pose-templates.dto.js';
import type { ListPoseTemplatesQueryDto } from './dto/list-pose-templates-query.dto.js';
import type {
  PoseTemplateCategoryListDto,
  PoseTemplateDto,
  SimilarPoseTemplateListDto,
} from './dto/pose-template.dto.js';
import type { UpdatePoseTemplateDto } from './dto/update-pose-template.dto.js';
import { importPoseFile } from './importers/pose-file-import.js';
import { normalisePerson } from './importers/person-normalisation.js';
import { PoseDetectionsService } from '../vision/pose-detections.service.js';
import { PoseKeypointsStore } from './pose-keypoints.store.js';
import { PoseTemplateListCache } from './pose-template-list-cache.js';
import { PoseTemplatesRepository, type PoseTemplateFields, type PoseTemplateRow } from './pose-templates.repository.js';
import { ControlImageCache } from './rendering/control-image-cache.js';
import { renderControlImage } from './rendering/control-image.js';
import {
  describeInvalidKeypoints,
  describeTooFewBodyJoints,
  roundKeypoints,
  type Keypoint,
  type Pose,
} from './skeleton/keypoints.js';
import { deriveDifficulty, deriveProductPlacement, type ProductPlacement } from './skeleton/pose-descriptors.js';
import { comparablePose, comparePoses } from './skeleton/similarity.js';

export type PoseTemplateRecord = PoseTemplateRow & { keypoints: Keypoint[] };

export function poseOf(row: { keypoints: Keypoint[]; canvasWidth: number; canvasHeight: number }): Pose {
  return { keypoints: row.keypoints, canvas: { width: row.canvasWidth, height: row.canvasHeight } };
}

export const useCaseOf = (category: string) => category.split('-')[0];

/** Where a template made from a photo goes when the request names no category. */
export const PHOTO_CATEGORY = 'custom-photo';

export function toPoseTemplateDto(row: PoseTemplateRecord): PoseTemplateDto {
  const pose = poseOf(row);
  return {
    id: row.id,
    name: row.name,
    category: row.category,
    useCase: useCaseOf(row.category),
    subcategory: row.subcategory,
    tags: row.tags,
    gender: row.gender,
    productPlacement: row.productPlacement as ProductPlacement | null,
    difficulty: row.difficulty,
    keypoints: pose.keypoints.map(({ x, y, c }) => ({ x, y, c })),
    canvas: pose.canvas,
    controlImageUrl: `/v1/pose-templates/${row.id}/control-image`,
    source: row.source,
    shared: row.userId === null,
    isActive: row.isActive,
    usageCount: row.usageCount,
    successRate: row.successRate,
    avgQualityScore: row.avgQualityScore,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Checks a pose sent by a client beyond its shape: in the canvas, enough body to guide a generation. */
function acceptablePose(keypoints: Keypoint[], canvas: Pose['canvas']): Pose {
  const problem = describeInvalidKeypoints(keypoints) ?? describeTooFewBodyJoints(keypoints);
  if (problem) {
    throw new ProblemException(400, ProblemCode.ValidationFailed, `Invalid request: check keypoints.`, [
      { field: 'keypoints', message: problem },
    ]);
  }
  return { keypoints: roundKeypoints(keypoints), canvas };
}

/** The fields a pose determines; placement and difficulty are read from the geometry unless given. */
function poseFields(
  pose: Pose,
  given: { productPlacement?: ProductPlacement; difficulty?: PoseTemplateRow['difficulty'] },
) {
  return {
    keypoints: pose.keypoints as unknown as PoseTemplateFields['keypoints'],
    canvasWidth: pose.canvas.width,
    canvasHeight: pose.canvas.height,
    productPlacement: given.productPlacement ?? deriveProductPlacement(pose),
    difficulty: given.difficulty ?? deriveDifficulty(pose),
  };
}

const uniqueTags = (tags: readonly string[]) => [...new Set(tags)];

/** Everything a list answer depends on besides the caller, in a fixed order. */
function listQueryKey(query: ListPoseTemplatesQueryDto): string {
  return JSON.stringify([
    query.limit,
    query.cursor,
    query.sort,
    query.category,
    query.subcategory,
    query.tag,
    query.gender,
    query.productPlacement,
    query.difficulty,
  ]);
}

export interface UploadedPoseFile {
  filename: string;
  content: Buffer;
}

/** The library's rules: what a user sees, may change, import, compare and render. */
@Injectable()
export class PoseTemplatesService {
  constructor(
    private readonly repository: PoseTemplatesRepository,
    private readonly keypoints: PoseKeypointsStore,
    private readonly previews: ControlImageCache,
    private readonly detections: PoseDetectionsService,
    private readonly listCache: PoseTemplateListCache,
  ) {}

  /** One page of the list, serialised: from this process's cache while fresh (see PoseTemplateListCache). */
  list(userId: string, query: ListPoseTemplatesQueryDto): Promise<CachedJson> {
    return this.listCache.get(userId, listQueryKey(query), async () =>
      serialiseJson(await this.listPage(userId, query)),
    );
  }

  private async listPage(userId: string, query: ListPoseTemplatesQueryDto): Promise<Page<PoseTemplateDto>> {
    const rows = await this.repository.list(userId, query, query.sort, query.limit, decodeCursor(query.cursor));
    return toPage(await this.keypoints.attach(rows), query.limit, toPoseTemplateDto);
  }

  async categories(userId: string): Promise<PoseTemplateCategoryListDto> {
    const groups = await this.repository.countByCategory(userId);
    return { data: groups.map((group) => ({ ...group, useCase: useCaseOf(group.category) })) };
  }

  async get(userId: string, id: string): Promise<PoseTemplateDto> {
    return toPoseTemplateDto(await this.recordOf(await this.requireVisible(userId, id)));
  }

  /** The visible templates among `ids`, by id; ids the user cannot see are absent. */
  async getMany(userId: string, ids: readonly string[]): Promise<Map<string, PoseTemplateDto>> {
    const records = await this.keypoints.attach(await this.repository.findManyVisible(userId, [...new Set(ids)]));
    return new Map(records.map((record) => [record.id, toPoseTemplateDto(record)]));
  }

  async create(userId: string, input: CreatePoseTemplateDto): Promise<PoseTemplateDto> {
    const pose = acceptablePose(input.keypoints, input.canvas);
    const row = await this.repository.create({
      userId,
      source: PoseTemplateSource.user,
      name: input.name,
      category: input.category,
      subcategory: input.subcategory ?? null,
      tags: uniqueTags(input.tags ?? []),
      gender: input.gender ?? Gender.unisex,
      ...poseFields(pose, input),
    });
    await this.listCache.changed(userId);
    return toPoseTemplateDto(await this.recordOf(row));
  }

  async update(userId: string, id: string, input: UpdatePoseTemplateDto): Promise<PoseTemplateDto> {
    const existing = await this.requireOwned(userId, id);
    const { keypoints, canvas, tags, ...descriptive } = input;
    if ((keypoints === undefined) !== (canvas === undefined)) {
      const missing = keypoints === undefined ? 'keypoints' : 'canvas';
      throw new ProblemException(400, ProblemCode.ValidationFailed, `Invalid request: check ${missing}.`, [
        { field: missing, message: 'keypoints and canvas must be sent together' },
      ]);
    }
    const fields: Partial<PoseTemplateFields> = {
      ...descriptive,
      ...(tags ? { tags: uniqueTags(tags) } : {}),
      ...(keypoints && canvas ? poseFields(acceptablePose(keypoints, canvas), input) : {}),
    };
    if (Object.keys(fields).length === 0) return toPoseTemplateDto(await this.recordOf(existing));
    const row = await this.repository.update(existing.id, fields);
    await this.listCache.changed(userId);
    return toPoseTemplateDto(await this.recordOf(row));
  }

  /** Deletes a template; one that generations used is retired instead, so their history keeps it. */
  async delete(userId: string, id: string): Promise<void> {
    const existing = await this.requireOwned(userId, id);
    if ((await this.repository.countGenerationsUsing(existing.id)) > 0) await this.repository.retire([existing.id]);
    else await this.repository.delete(existing.id);
    await this.listCache.changed(userId);
  }

  /** Imports every person of every file as the user's own templates; each refusal comes back with its reason. */
  async importFiles(
    userId: string,
    files: readonly UploadedPoseFile[],
    category: string,
    tags: readonly string[],
  ): Promise<PoseImportResultDto> {
    const results = files.map((file) => importPoseFile(path.basename(file.filename), file.content));
    const imported = results.flatMap((result) => result.imported);
    const created = await this.repository.createEach(
      imported.map((pose) => {
        const rounded = { keypoints: roundKeypoints(pose.keypoints), canvas: pose.canvas };
        return {
          userId,
          source: PoseTemplateSource.import,
          name: `${pose.file} #${pose.person}`.slice(0, 120),
          category,
          tags: uniqueTags([...tags, pose.format]),
          gender: Gender.unisex,
          ...poseFields(rounded, {}),
        };
      }),
    );
    if (created.length > 0) await this.listCache.changed(userId);
    return {
      imported: imported.map((pose, index) => ({ id: created[index].id, file: pose.file, person: pose.person })),
      rejected: results.flatMap((result) => result.rejected),
    };
  }

  /**
   * A template of the user's own from the most prominent person in a photo: canvas = the upright photo's size,
   * placement derived from the pose unless given, refused like an import when too little body is visible.
   */
  async createFromPhoto(
    userId: string,
    photo: Buffer,
    fields: PoseTemplateFromPhotoFieldsDto,
  ): Promise<PoseTemplateDto> {
    const detection = await this.detections.detect(photo);
    const person = detection.people[0];
    const canvas = { width: detection.width, height: detection.height };
    const normalised = person ? normalisePerson(person.keypoints, canvas) : { reason: 'nobody was found' };
    if ('reason' in normalised) {
      throw new ProblemException(
        422,
        ProblemCode.NoPersonFound,
        `No usable person in this photo (${normalised.reason}). Use a photo of one person, seen whole or from the ` +
          'waist up, with shoulders and hips or knees in frame, in good light and not too small in the picture.',
      );
    }
    const pose = { keypoints: roundKeypoints(normalised.keypoints), canvas: normalised.canvas };
    const row = await this.repository.create({
      userId,
      source: PoseTemplateSource.photo,
      name: fields.name ?? `Photo pose ${new Date().toISOString().slice(0, 10)}`,
      category: fields.category ?? PHOTO_CATEGORY,
      subcategory: fields.subcategory ?? null,
      tags: uniqueTags(fields.tags ? fields.tags.split(',') : []),
      gender: fields.gender ?? Gender.unisex,
      ...poseFields(pose, fields),
    });
    await this.listCache.changed(userId);
    return toPoseTemplateDto(await this.recordOf(row));
  }

  /** The templates closest to this one, ignoring position and scale; with `mirror`, mirror images match too. */
  async similar(userId: string, id: string, limit: number, mirror: boolean): Promise<SimilarPoseTemplateListDto> {
    const targetPose = comparablePose(poseOf(await this.recordOf(await this.requireVisible(userId, id))));
    const ranked = (await this.keypoints.attach(await this.repository.comparable(userId)))
      .filter((candidate) => candidate.id !== id)
      .map((candidate) => ({
        id: candidate.id,
        ...comparePoses(targetPose, comparablePose(poseOf(candidate)), { mirror }),
      }))
      .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
    const templates = await this.getMany(
      userId,
      ranked.map((entry) => entry.id),
    );
    return {
      data: ranked.flatMap((entry) => {
        const template = templates.get(entry.id);
        return template
          ? [{ ...template, distance: Math.round(entry.distance * 10_000) / 10_000, mirrored: entry.mirrored }]
          : [];
      }),
    };
  }

  /**
   * The template's control image. Without a size it is drawn at the template's
   * canvas size (at most 2048 px a side); with one side only, the other follows
   * the canvas's aspect ratio. Rendered images are cached per template version.
   */
  async controlImage(userId: string, id: string, query: ControlImageQueryDto): Promise<{ png: Buffer; etag: string }> {
    const row = await this.recordOf(await this.requireVisible(userId, id));
    const pose = poseOf(row);
    const size = requestedSize(pose.canvas, query.width, query.height);
    const key = `${row.id}:${row.updatedAt.getTime()}:${size.width}x${size.height}:${query.roundToMultipleOf64}`;
    const png =
      this.previews.get(key) ??
      this.previews.set(
        key,
        (await renderControlImage(pose, { ...size, roundToMultipleOf64: query.roundToMultipleOf64 })).png,
      );
    return { png, etag: this.previews.etagOf(key) };
  }

  private async recordOf(row: PoseTemplateRow): Promise<PoseTemplateRecord> {
    const [record] = await this.keypoints.attach([row]);
    // Deleted between the two queries.
    if (!record) throw ProblemException.notFound('Pose template');
    return record;
  }

  private async requireVisible(userId: string, id: string): Promise<PoseTemplateRow> {
    const row = await this.repository.findVisible(userId, id);
    if (!row) throw ProblemException.notFound('Pose template');
    return row;
  }

  private async requireOwned(userId: string, id: string): Promise<PoseTemplateRow> {
    const row = await this.requireVisible(userId, id);
    if (row.userId === null) {
      throw new ProblemException(
        403,
        ProblemCode.Forbidden,
        'The shared pose library is read-only; create or import a template of your own to change it.',
      );
    }
    return row;
  }
}

function requestedSize(canvas: Pose['canvas'], width: number | undefined, height: number | undefined) {
  const clampSide = (side: number) => Math.min(MAX_CONTROL_IMAGE_SIDE, Math.max(64, Math.round(side)));
  if (width !== undefined && height !== undefined) return { width, height };
  if (width !== undefined) return { width, height: clampSide((width * canvas.height) / canvas.width) };
  if (height !== undefined) return { width: clampSide((height * canvas.width) / canvas.height), height };
  const shrink = Math.min(1, MAX_CONTROL_IMAGE_SIDE / Math.max(canvas.width, canvas.height));
  return { width: clampSide(canvas.width * shrink), height: clampSide(canvas.height * shrink) };
}
