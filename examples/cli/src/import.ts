import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Lumiku } from '@lumiku/pose-sdk';

export interface ImportOptions {
  files: string[];
  category: string;
  tags: string | undefined;
}

/** Imports OpenPose/COCO files as your own templates and prints what became of each file and person. */
export async function importPoses(lumiku: Lumiku, options: ImportOptions): Promise<number> {
  const files = await Promise.all(
    options.files.map(async (path) => ({ file: await readFile(path), filename: basename(path) })),
  );
  const result = await lumiku.poseTemplates.import({ files, category: options.category, tags: options.tags });
  for (const { filename } of files) {
    console.log(filename);
    const imported = result.imported.filter((entry) => entry.file === filename);
    const rejected = result.rejected.filter((entry) => entry.file === filename);
    for (const entry of imported) console.log(`  person ${entry.person}: imported as ${entry.id}`);
    for (const entry of rejected) {
      console.log(`  ${entry.person === null ? 'file' : `person ${entry.person}`}: rejected, ${entry.reason}`);
    }
  }
  console.log(`${result.imported.length} imported, ${result.rejected.length} rejected (category ${options.category})`);
  return result.imported.length > 0 ? 0 : 1;
}
