import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { Gender, PoseTemplateSource, type PoseDifficulty } from '../generated/prisma/enums.js';
import { ServerStateStore } from '../infra/database/server-state.store.js';
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

/** A start's sync: skipped when the library's fingerprint is the one stored, else what each source did. */
export type LibrarySync = { synced: false } | { synced: true; builtin: SyncReport; dataset: SyncReport | undefined };

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

/** The ServerState key holding the fingerprint of the library as last synced. */
export const LIBRARY_FINGERPRINT_KEY = 'pose-library.fingerprint';

const SEEDER_FILE = fileURLToPath(import.meta.url);
/**
 * The code the shared library is made of: this file, the built-in generator, the importers and the pose
 * descriptors they use. Generating the library takes about a second, so its fingerprint is taken from the
 * code that generates it (deterministic) rather than from its output.
 */
const LIBRARY_CODE_FOLDERS = ['library', 'skeleton', 'importers'].map((folder) =>
  path.join(path.dirname(SEEDER_FILE), folder),
);
const isLibraryCode = (file: string) => /\.[cm]?[jt]s$/.test(file) && !/\.spec\.[jt]s$/.test(file);

async function hashFiles(hash: ReturnType<typeof createHash>, folder: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(path.join(folder, file)));
    hash.update('\0');
  }
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
 * usage statistics), changed ones updated, vanished ones retired. A start
 * whose library fingerprint matches the one stored by the last sync skips
 * the comparison (859 rows, about half a second).
 */
@Injectable()
export class PoseLibrarySeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('PoseLibrary');

  constructor(
    private readonly repository: PoseTemplatesRepository,
    private readonly state: ServerStateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const result = await this.syncLibrary();
    if (!result.synced) {
      this.logger.log('pose library unchanged since it was last synced (same code and dataset); not compared again');
      return;
    }
    this.logger.log(`built-in pose library: ${summarise(result.builtin)}`);
    if (result.dataset) this.logger.log(`pose dataset ${this.config.poseDatasetPath}: ${summarise(result.dataset)}`);
  }

  /** Syncs the built-in library and the dataset, unless the stored fingerprint says nothing changed. */
  async syncLibrary(): Promise<LibrarySync> {
    const libraryFingerprint = await this.libraryFingerprint();
    if (libraryFingerprint && (await this.state.get(LIBRARY_FINGERPRINT_KEY)) === libraryFingerprint) {
      return { synced: false };
    }
    const builtin = await this.seedBuiltinLibrary();
    const dataset = this.config.poseDatasetPath ? await this.importDataset(this.config.poseDatasetPath) : undefined;
    // Stored last: a sync that fails part-way runs again on the next start.
    if (libraryFingerprint) await this.state.set(LIBRARY_FINGERPRINT_KEY, libraryFingerprint);
    return { synced: true, builtin, dataset };
  }

  /**
   * What the shared library is made from: the library's code and, when set, every .json file under
   * POSE_DATASET_PATH (path and bytes). Undefined when the dataset cannot be read, so the sync runs and
   * reports it on every start.
   */
  async libraryFingerprint(): Promise<string | undefined> {
    const hash = createHash('sha256');
    hash.update(`seeder\0`);
    await hashFiles(hash, path.dirname(SEEDER_FILE), [path.basename(SEEDER_FILE)]);
    for (const folder of LIBRARY_CODE_FOLDERS) {
      const files = (await readdir(folder, { recursive: true })).filter(isLibraryCode).sort();
      hash.update(`code ${path.basename(folder)}\0`);
      await hashFiles(hash, folder, files);
    }
    const dataset = this.config.poseDatasetPath;
    hash.update(dataset ? 'dataset\0' : 'no dataset\0');
    if (dataset) {
      try {
        const files = (await readdir(dataset, { recursive: true }))
          .filter((file) => file.toLowerCase().endsWith('.json'))
          .sort();
        await hashFiles(hash, dataset, files);
      } catch {
        return undefined;
      }
    }
    return hash.digest('hex');
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
