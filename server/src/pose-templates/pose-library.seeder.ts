import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { Gender, PoseTemplateSource, type PoseDifficulty } from '../generated/prisma/enums.js';
import { importPoseFile } from './importers/pose-file-import.js';
import { generateBuiltinLibrary } from './library/builtin-library.js';
import {
  PoseTemplatesRepository,
  type PoseTemplateFields,
  type SharedTemplateRow,
} from './pose-templates.repository.js';
import { roundKeypoints, type Keypoint } from './skeleton/keypoints.js';
import { deriveDifficulty, deriveProductPlacement } from './skeleton/pose-descriptors.js';

/** A shared-library template as its source describes it, keyed by sourceRef. */
interface SharedTemplate {
  sourceRef: string;
  name: string;
  category: string;
  subcategory: string | null;
  tags: string[];
  gender: Gender;
  productPlacement: string | null;
  difficulty: PoseDifficulty;
  keypoints: Keypoint[];
  canvasWidth: number;
  canvasHeight: number;
}

export interface SyncReport {
  created: number;
  updated: number;
  unchanged: number;
  retired: number;
}

/** Compares what the library stores, independent of key order in the database's JSON. */
function fingerprint(template: SharedTemplate | SharedTemplateRow): string {
  const keypoints = (template.keypoints as Keypoint[]).map((keypoint) => [keypoint.x, keypoint.y, keypoint.c]);
  return JSON.stringify([
    template.name,
    template.category,
    template.subcategory ?? null,
    template.tags,
    template.gender,
    template.productPlacement ?? null,
    template.difficulty,
    keypoints,
    template.canvasWidth,
    template.canvasHeight,
  ]);
}

/** `dataset-<first folder>` for files in a folder of the dataset, `dataset-imported` for files at its root. */
function datasetCategory(relativePath: string): string {
  const folder = relativePath.split(path.sep).length > 1 ? relativePath.split(path.sep)[0] : '';
  const slug = folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return `dataset-${slug || 'imported'}`;
}

/**
 * Brings the shared library up to date when the app starts: the generated
 * built-in templates, then POSE_DATASET_PATH if set. Both are idempotent:
 * rows are matched on sourceRef, unchanged ones are left alone (with their
 * usage statistics), changed ones updated, vanished ones retired.
 */
@Injectable()
export class PoseLibrarySeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('PoseLibrary');

  constructor(
    private readonly repository: PoseTemplatesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const builtin = await this.seedBuiltinLibrary();
    this.logger.log(`built-in pose library: ${summarise(builtin)}`);
    if (this.config.poseDatasetPath) {
      const dataset = await this.importDataset(this.config.poseDatasetPath);
      this.logger.log(`pose dataset ${this.config.poseDatasetPath}: ${summarise(dataset)}`);
    }
  }

  seedBuiltinLibrary(): Promise<SyncReport> {
    const templates = generateBuiltinLibrary().map(({ useCase: _useCase, canvas, ...template }): SharedTemplate => ({
      ...template,
      canvasWidth: canvas.width,
      canvasHeight: canvas.height,
    }));
    return this.sync(PoseTemplateSource.builtin, templates);
  }

  /** Imports every .json file under the folder, logging what became of each file and person. */
  async importDataset(folder: string): Promise<SyncReport> {
    let files: string[];
    try {
      files = (await readdir(folder, { recursive: true }))
        .filter((file) => file.toLowerCase().endsWith('.json'))
        .sort();
    } catch (error) {
      this.logger.error(`pose dataset ${folder} cannot be read (${(error as Error).message}); skipped`);
      return { created: 0, updated: 0, unchanged: 0, retired: 0 };
    }
    const templates: SharedTemplate[] = [];
    for (const relativePath of files) {
      const result = importPoseFile(relativePath, await readFile(path.join(folder, relativePath)));
      for (const pose of result.imported) {
        const stored = { keypoints: roundKeypoints(pose.keypoints), canvas: pose.canvas };
        templates.push({
          sourceRef: `dataset/${relativePath}#${pose.person}`,
          name: `${relativePath} #${pose.person}`.slice(0, 120),
          category: datasetCategory(relativePath),
          subcategory: null,
          tags: ['dataset', pose.format],
          gender: Gender.unisex,
          productPlacement: deriveProductPlacement(stored),
          difficulty: deriveDifficulty(stored),
          keypoints: stored.keypoints,
          canvasWidth: stored.canvas.width,
          canvasHeight: stored.canvas.height,
        });
      }
      const refusals = result.rejected.map((rejected) =>
        rejected.person === null
          ? `refused: ${rejected.reason}`
          : `person ${rejected.person} refused: ${rejected.reason}`,
      );
      const imported = result.imported.map((pose) => pose.person);
      this.logger.log(
        `pose dataset file ${relativePath}: ` +
          [...(imported.length ? [`imported person(s) ${imported.join(', ')}`] : []), ...refusals].join('; '),
      );
    }
    return this.sync(PoseTemplateSource.dataset, templates);
  }

  private async sync(source: PoseTemplateSource, templates: readonly SharedTemplate[]): Promise<SyncReport> {
    const existing = new Map((await this.repository.sharedOfSource(source)).map((row) => [row.sourceRef!, row]));
    const report: SyncReport = { created: 0, updated: 0, unchanged: 0, retired: 0 };
    const missing: SharedTemplate[] = [];
    for (const template of templates) {
      const row = existing.get(template.sourceRef);
      existing.delete(template.sourceRef);
      if (!row) missing.push(template);
      else if (row.isActive && fingerprint(row) === fingerprint(template)) report.unchanged++;
      else {
        await this.repository.update(row.id, { ...toFields(source, template), isActive: true });
        report.updated++;
      }
    }
    report.created = await this.repository.createMany(missing.map((template) => toFields(source, template)));
    const vanished = [...existing.values()].filter((row) => row.isActive).map((row) => row.id);
    await this.repository.retire(vanished);
    report.retired = vanished.length;
    return report;
  }
}

function toFields(source: PoseTemplateSource, template: SharedTemplate): PoseTemplateFields {
  return {
    ...template,
    keypoints: template.keypoints as unknown as PoseTemplateFields['keypoints'],
    userId: null,
    source,
  };
}

const summarise = (report: SyncReport) =>
  `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.retired} retired`;
