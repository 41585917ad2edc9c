/** What a request needs of a key once its secret checked out. */
export interface VerifiedKey {
  id: string;
  userId: string;
  corsOrigins: string[];
  lastUsedAt: Date | null;
}

interface Entry {
  key: VerifiedKey;
  verifiedAt: number;
}

/** Enough for every active key of a large deployment; beyond it the oldest entries go first. */
const MAX_ENTRIES = 10_000;

/**
 * Keys that checked out against the database recently, by lookup (the secret's hash, or the key id for
 * client tokens), so a hot route does not query the key table on every request. An entry lives `ttlMs`;
 * `forget` drops a revoked key at once and keeps it from being cached again while a lookup that began
 * before the revocation may still return it.
 */
export class VerifiedKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly revokedAt = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(lookup: string): VerifiedKey | undefined {
    const entry = this.entries.get(lookup);
    if (!entry) return undefined;
    if (this.now() - entry.verifiedAt < this.ttlMs) return entry.key;
    this.entries.delete(lookup);
    return undefined;
  }

  /** Caches a key read from the database; `readStartedAt` is when that read began. */
  set(lookup: string, key: VerifiedKey, readStartedAt: number): void {
    if (this.ttlMs <= 0) return;
    const revoked = this.revokedAt.get(key.id);
    if (revoked !== undefined && revoked >= readStartedAt) return;
    this.entries.delete(lookup);
    this.entries.set(lookup, { key, verifiedAt: this.now() });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Drops every entry of a revoked key. Revocations are rare, so a scan is cheaper than a second index. */
  forget(keyId: string): void {
    const now = this.now();
    this.revokedAt.set(keyId, now);
    for (const [lookup, entry] of this.entries) if (entry.key.id === keyId) this.entries.delete(lookup);
    for (const [id, at] of this.revokedAt) if (now - at > this.ttlMs) this.revokedAt.delete(id);
  }
}
