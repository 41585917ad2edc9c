import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreateFileUrlSecret } from './file-url-secret.js';
import { FileUrlSigner } from './file-url-signer.js';

const KEY = 'avatars/owner/0190a6b4-0000-7000-8000-000000000001-thumbnail.webp';

function parts(url: string) {
  const parsed = new URL(url);
  return { expires: parsed.searchParams.get('expires')!, signature: parsed.searchParams.get('signature')! };
}

describe('FileUrlSigner', () => {
  let now = Date.UTC(2026, 0, 1);
  const signer = new FileUrlSigner(Buffer.alloc(32, 1), () => now);

  it('accepts its own URL until it expires, then reports it expired', () => {
    const { expires, signature } = parts(signer.signedUrl('http://localhost:3000', KEY, 3600));
    expect(signer.check(KEY, expires, signature)).toBe('valid');
    now += 3599_000;
    expect(signer.check(KEY, expires, signature)).toBe('valid');
    now += 1_000;
    expect(signer.check(KEY, expires, signature)).toBe('expired');
  });

  it('rejects an altered key, expiry or signature, a missing part, and another secret', () => {
    now = Date.UTC(2026, 0, 1);
    const { expires, signature } = parts(signer.signedUrl('http://localhost:3000', KEY, 3600));
    expect(signer.check(KEY.replace('thumbnail', 'original'), expires, signature)).toBe('invalid');
    expect(signer.check(KEY, String(Number(expires) + 86400), signature)).toBe('invalid');
    expect(signer.check(KEY, expires, signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A'))).toBe('invalid');
    expect(signer.check(KEY, expires, signature.slice(1))).toBe('invalid');
    expect(signer.check(KEY, undefined, signature)).toBe('invalid');
    expect(signer.check(KEY, expires, undefined)).toBe('invalid');
    expect(signer.check(KEY, '1e12', signature)).toBe('invalid');
    expect(new FileUrlSigner(Buffer.alloc(32, 2), () => now).check(KEY, expires, signature)).toBe('invalid');
  });

  it('refuses a short secret', () => {
    expect(() => new FileUrlSigner(Buffer.from('too short'))).toThrow(/32 bytes/);
  });
});

describe('loadOrCreateFileUrlSecret', () => {
  it('creates a secret once under DATA_DIR and returns the same one afterwards', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'lumiku-secret-'));
    try {
      const [first, concurrent] = await Promise.all([
        loadOrCreateFileUrlSecret(dataDir),
        loadOrCreateFileUrlSecret(dataDir),
      ]);
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(concurrent).toEqual(first);
      expect(await loadOrCreateFileUrlSecret(dataDir)).toEqual(first);
      expect((await readFile(path.join(dataDir, 'file-url-secret'), 'utf8')).trim()).toBe(first.toString());
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
