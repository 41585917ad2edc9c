import { randomBytes } from 'node:crypto';

/** The 12-bit counter field (rand_a) of RFC 9562 §6.2 method 1. */
const COUNTER_LIMIT = 0x1000;

/**
 * `count` UUIDv7s (RFC 9562) in ascending order, as Prisma's `uuid(7)` default would give rows created one
 * after another: a millisecond timestamp, a 12-bit counter started at a random point in its lower half,
 * then 62 random bits. For ids made in JS where a raw statement inserts many rows at once.
 */
export function uuidV7Sequence(count: number, now = Date.now()): string[] {
  const ids: string[] = [];
  const random = randomBytes(count * 8);
  let millis = now;
  let counter = random.readUInt16BE(0) % (COUNTER_LIMIT / 2);
  for (let index = 0; index < count; index++) {
    if (counter === COUNTER_LIMIT) {
      millis += 1;
      counter = 0;
    }
    const bytes = Buffer.alloc(16);
    bytes.writeUIntBE(millis, 0, 6);
    bytes.writeUInt16BE(0x7000 | counter, 6);
    random.copy(bytes, 8, index * 8, index * 8 + 8);
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    counter += 1;
    const hex = bytes.toString('hex');
    ids.push(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
  }
  return ids;
}
