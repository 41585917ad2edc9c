import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const SECRET_FILE_NAME = 'file-url-secret';

/**
 * The secret for signed file URLs when none is configured: made once and kept under DATA_DIR, so URLs
 * handed out stay valid across restarts. The file appears whole (written aside, then hard-linked into
 * place), so processes racing on first start all read whichever secret won.
 */
export async function loadOrCreateFileUrlSecret(dataDir: string): Promise<Buffer> {
  const secretPath = path.join(dataDir, SECRET_FILE_NAME);
  await mkdir(dataDir, { recursive: true });
  const candidatePath = `${secretPath}.${randomBytes(6).toString('hex')}`;
  await writeFile(candidatePath, randomBytes(32).toString('base64url'), { mode: 0o600 });
  try {
    await link(candidatePath, secretPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(candidatePath, { force: true });
  }
  return Buffer.from((await readFile(secretPath, 'utf8')).trim());
}
