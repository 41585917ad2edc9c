import { ProblemCode, ProblemException } from '../errors/problem.js';
import { isUuid } from '../validation/resource-id.pipe.js';

/** A page of a list: `nextCursor` is null on the last page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url of the last row's id. */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isUuid(id)) {
    throw new ProblemException(400, ProblemCode.InvalidCursor, 'The cursor is not one this API returned.', [
      { field: 'cursor', message: 'cursor is invalid' },
    ]);
  }
  return id;
}

/** Repositories fetch `limit + 1` rows ordered by id; the extra row tells whether a next page exists. */
export function toPage<Row extends { id: string }, Item>(
  rows: Row[],
  limit: number,
  map: (row: Row) => Item,
): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return { data: pageRows.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

/** toPage for items that need an async step each (signing file URLs, say). */
export async function toPageAsync<Row extends { id: string }, Item>(
  rows: Row[],
  limit: number,
  map: (row: Row) => Promise<Item>,
): Promise<Page<Item>> {
  const page = toPage(rows, limit, (row) => row);
  return { data: await Promise.all(page.data.map(map)), nextCursor: page.nextCursor };
}
