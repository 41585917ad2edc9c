import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (/work/main in the team's layout), found from this file rather than the working directory. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Real third-party pose files shared beside the repository; never copied into it. */
export const POSE_FIXTURES_DIR = path.resolve(REPO_ROOT, '../shared/fixtures/poses');

export const havePoseFixtures = existsSync(path.join(POSE_FIXTURES_DIR, 'MANIFEST.tsv'));

/** `describe` when the shared fixtures are present, `describe.skip` otherwise, so the suite runs anywhere. */
export const describeWithPoseFixtures = havePoseFixtures ? describe : describe.skip;
