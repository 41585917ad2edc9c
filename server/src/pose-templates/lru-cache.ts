/**
 * A least-recently-used cache with a budget in caller-defined units (bytes for
 * images, entries for keypoints). Keys must name the version of what they
 * cache, so a changed template is never served stale.
 */
export class LruCache<Value> {
  private readonly entries = new Map<string, Value>();
  private used = 0;

  constructor(
    private readonly budget: number,
    private readonly sizeOf: (value: Value) => number = () => 1,
  ) {}

  get(key: string): Value | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Re-inserting moves the entry to the young end of the Map's insertion order.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: Value): Value {
    const replaced = this.entries.get(key);
    if (replaced !== undefined) this.used -= this.sizeOf(replaced);
    this.entries.delete(key);
    this.entries.set(key, value);
    this.used += this.sizeOf(value);
    for (const [oldKey, oldValue] of this.entries) {
      if (this.used <= this.budget) break;
      this.entries.delete(oldKey);
      this.used -= this.sizeOf(oldValue);
    }
    return value;
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.used -= this.sizeOf(value);
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }
}
