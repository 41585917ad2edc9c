/** Retries spread over about 27.5 hours, and replays can come later: remember ids for two days. */
const REMEMBER_MS = 48 * 60 * 60 * 1000;

/**
 * The webhook ids already handled, in memory. A receiver running on several machines, or one that
 * must survive a restart, keeps them in its database instead (a unique index on the id).
 */
export class SeenIds {
  private readonly firstSeen = new Map<string, number>();

  /** Records the id; false when it was already there. */
  add(id: string, now = Date.now()): boolean {
    this.forgetOlderThan(now - REMEMBER_MS);
    if (this.firstSeen.has(id)) return false;
    this.firstSeen.set(id, now);
    return true;
  }

  /** Maps iterate in insertion order, so the oldest ids come first. */
  private forgetOlderThan(cutoff: number): void {
    for (const [id, seenAt] of this.firstSeen) {
      if (seenAt >= cutoff) break;
      this.firstSeen.delete(id);
    }
  }
}
