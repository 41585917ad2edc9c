import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { buffer } from 'node:stream/consumers';
import { PassThrough, type Readable } from 'node:stream';
import yazl from 'yazl';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import { decodeCursor, toPageAsync, type Page } from '../common/pagination/pagination.js';
import { ObjectStorage } from '../infra/storage/object-storage.js';
import { StoredImagesService } from '../media/stored-images.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { LOCAL_PREVIEW_MODEL_ID } from './providers/local-preview-provider.js';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  type GeneratedPoseDto,
  type PoseExportDto,
  type ProductPlacementDto,
} from './dto/generated-pose.dto.js';
import type { ListGenerationPosesQueryDto } from './dto/list-generations-query.dto.js';
import type { KeypointDto } from '../pose-templates/dto/keypoint.dto.js';
import { GenerationsRepository, type PoseWithObjects } from './generations.repository.js';
import { exportImage, exportWindow, faceBox, productBox, type Box } from './export-crop.js';
import { placeProduct } from './product-stage/product-placement.js';
import { previewBadgeBox } from './providers/local-preview-provider.js';
import { PoseTemplatesService } from '../pose-templates/pose-templates.service.js';
import { poseOnOutput } from '../pose-templates/rendering/control-image.js';
import type { Keypoint } from '../pose-templates/skeleton/keypoints.js';

/** Stored outputs were re-encoded upright by the image pipeline, so their stored size is their shown size. */
async function imageSize(image: Buffer): Promise<{ width: number; height: number }> {
  const { width, height } = await sharp(image).metadata();
  return { width, height };
}

const EXPORT_COLLECTION = 'exports';
/** Rows fetched per step while streaming an archive: memory stays flat for any batch size. */
const ARCHIVE_PAGE = 50;
const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** One image of a batch archive, as `manifest.json` lists it. */
interface ArchiveManifestEntry {
  file: string;
  slot: number;
  poseId: string;
  template: { id: string; name: string };
  category: string;
  prompt: string;
  seed: number;
  provider: string | null;
  model: string | null;
  qualityScore: number | null;
  lowQuality: boolean;
  renders: number;
}

/** Generated poses: reading, rating, exporting to social formats, and the ZIP of a batch. */
@Injectable()
export class GeneratedPosesService {
  constructor(
    private readonly repository: GenerationsRepository,
    private readonly storage: ObjectStorage,
    private readonly storedImages: StoredImagesService,
    private readonly metrics: MetricsService,
    private readonly templates: PoseTemplatesService,
  ) {}

  async toDto(row: PoseWithObjects, origin: string): Promise<GeneratedPoseDto> {
    const [outputUrl, thumbnailUrl] = await Promise.all([
      row.output ? this.storedImages.url(row.output.key, origin) : null,
      row.thumbnail ? this.storedImages.url(row.thumbnail.key, origin) : null,
    ]);
    return {
      id: row.id,
      generationId: row.generationId,
      poseTemplateId: row.poseTemplateId,
      name: row.poseTemplate.name,
      category: row.poseTemplate.category,
      slotIndex: row.slotIndex,
      status: row.status,
      outputUrl,
      thumbnailUrl,
      prompt: row.prompt,
      seed: row.seed,
      provider: row.provider,
      modelId: row.modelId,
      providerJobId: row.providerJobId,
      isPreview: row.modelId === LOCAL_PREVIEW_MODEL_ID,
      generationTime: row.generationTime,
      qualityScore: row.qualityScore,
      poseError: row.poseError,
      renders: row.renders,
      lowQuality: row.lowQuality,
      detectedKeypoints: row.detectedKeypoints as KeypointDto[] | null,
      identity: row.identity,
      productPlacement: row.productPlacement as ProductPlacementDto | null,
      failureCode: row.failureCode,
      failureReason: row.failureReason,
      userRating: row.userRating,
      exportCount: row.exportCount,
      createdAt: row.createdAt.toISOString(),
      completedAt: row.completedAt?.toISOString() ?? null,
    };
  }

  async list(
    userId: string,
    generationId: string,
    query: ListGenerationPosesQueryDto,
    origin: string,
  ): Promise<Page<GeneratedPoseDto>> {
    const { limit, cursor, minQualityScore } = query;
    const rows = await this.repository.listPoses(userId, generationId, limit, decodeCursor(cursor), minQualityScore);
    return toPageAsync(rows, limit, (row) => this.toDto(row, origin));
  }

  async get(userId: string, id: string, origin: string): Promise<GeneratedPoseDto> {
    return this.toDto(await this.requireOwned(userId, id), origin);
  }

  async rate(userId: string, id: string, userRating: number, origin: string): Promise<GeneratedPoseDto> {
    await this.requireOwned(userId, id);
    return this.toDto(await this.repository.ratePose(id, userRating), origin);
  }

  /** Crops the pose to a social format around its most salient region and stores the result. */
  async export(userId: string, id: string, format: ExportFormat, origin: string): Promise<PoseExportDto> {
    const pose = await this.requireOwned(userId, id);
    if (pose.status !== 'succeeded' || !pose.output) {
      throw new ProblemException(
        409,
        ProblemCode.Conflict,
        `Only a succeeded pose can be exported; this one is ${pose.status}.`,
      );
    }
    const source = await this.storage.get(pose.output.key);
    if (!source) throw new Error(`object ${pose.output.key} of pose ${id} is missing from storage`);
    const { width, height } = EXPORT_FORMATS[format];
    const image = await buffer(source.stream);
    const size = await imageSize(image);
    const window = exportWindow(size, { width, height }, await this.keepInFrame(userId, pose, size));
    const data = await (await exportImage(image, { width, height }, window)).jpeg({ quality: 90 }).toBuffer();
    const key = await this.storedImages.store(
      userId,
      EXPORT_COLLECTION,
      { [format]: { data, contentType: 'image/jpeg', extension: 'jpg' as const, width, height } },
      async (tx, objectIds) => {
        await this.repository.countExport(id, tx);
        const { brandKitId } = await this.repository.findById(pose.generationId, tx);
        await this.metrics.recordExport({ userId, brandKitId, format, exportedAt: new Date() }, tx);
        return this.repository.objectKey(objectIds[format], tx);
      },
    );
    return { format, url: await this.storedImages.url(key, origin), width, height };
  }

  /**
   * A ZIP of every succeeded image, streamed: rows are read a page at a time and each
   * object is opened only when the archive reaches it, so nothing holds the whole batch.
   */
  async archive(userId: string, generationId: string): Promise<Readable> {
    const generation = await this.repository.findOwned(userId, generationId);
    if (!generation) throw ProblemException.notFound('Generation');
    const zip = new yazl.ZipFile();
    const output = new PassThrough();
    zip.outputStream.pipe(output);
    const addAll = async () => {
      const manifest: ArchiveManifestEntry[] = [];
      for (let after = -1; ;) {
        const rows = await this.repository.succeededOutputs(generationId, after, ARCHIVE_PAGE);
        if (rows.length === 0) break;
        for (const row of rows) {
          const { key, contentType } = row.output!;
          const name = `pose-${String(row.slotIndex + 1).padStart(4, '0')}.${EXTENSIONS[contentType] ?? 'bin'}`;
          manifest.push({
            file: name,
            slot: row.slotIndex,
            poseId: row.id,
            template: { id: row.poseTemplateId, name: row.poseTemplate.name },
            category: row.poseTemplate.category,
            prompt: row.prompt,
            seed: row.seed,
            provider: row.provider,
            model: row.modelId,
            qualityScore: row.qualityScore,
            lowQuality: row.lowQuality,
            renders: row.renders,
          });
          // Stored images are compressed already: deflating them again costs CPU for nothing.
          zip.addReadStreamLazy(name, { compress: false }, (done) => {
            this.storage.get(key).then(
              (object) =>
                object ? done(null, object.stream) : done(new Error(`object ${key} is missing`), null as never),
              (error: Error) => done(error, null as never),
            );
          });
        }
        after = rows.at(-1)!.slotIndex;
      }
      // Last, so it lists exactly the images the archive holds.
      const document = { generationId, createdAt: generation.createdAt.toISOString(), poses: manifest };
      zip.addBuffer(Buffer.from(JSON.stringify(document, null, 2)), 'manifest.json');
      zip.end();
    };
    addAll().catch((error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))));
    return output;
  }

  /**
   * What an export must not cut: the product and the face (where the product stage put it and the detector
   * found it, else where the asked skeleton puts them), and a preview's PREVIEW label.
   */
  private async keepInFrame(
    userId: string,
    pose: PoseWithObjects,
    size: { width: number; height: number },
  ): Promise<Box[]> {
    const placement = pose.productPlacement as ProductPlacementDto | null;
    const detected = pose.detectedKeypoints as Keypoint[] | null;
    const isPreview = pose.modelId === LOCAL_PREVIEW_MODEL_ID;
    const keep: Box[] = isPreview ? [previewBadgeBox(size.width, size.height)] : [];
    if (placement) keep.push(productBox(placement, size));
    if (detected) keep.push(...[faceBox(detected, size)].filter((box) => box !== undefined));
    if (placement && detected) return keep;
    const template = (await this.templates.getMany(userId, [pose.poseTemplateId])).get(pose.poseTemplateId);
    if (!template) return keep;
    const requested = poseOnOutput(template, size);
    if (!placement) {
      const asked = placeProduct({
        ...size,
        placement: template.productPlacement ?? 'hand-right',
        productType: null,
        requested,
      }).placement;
      keep.push(productBox(asked, size));
    }
    if (!detected) keep.push(...[faceBox(requested, size)].filter((box) => box !== undefined));
    return keep;
  }

  private async requireOwned(userId: string, id: string): Promise<PoseWithObjects> {
    const pose = await this.repository.findPoseOwned(userId, id);
    if (!pose) throw ProblemException.notFound('Generated pose');
    return pose;
  }
}
