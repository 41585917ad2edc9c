/**
 * PGlite in its worker thread (startPGlite) must answer exactly as an in-process PGlite does: the same rows,
 * fields and errors, the same single-connection order around transactions, and a lost thread must fail what
 * waits instead of hanging. Each case runs the same statements on both and compares.
 */
import { messages, PGlite } from '@electric-sql/pglite';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { Prisma, PrismaClient } from '../../src/generated/prisma/client.js';
import { isConnectionLoss } from '../../src/infra/database/connection-errors.js';
import { openDatabase, type DatabaseConnection } from '../../src/infra/database/database-connection.js';
import { startPGlite, type PGliteLike } from '../../src/infra/database/pglite-worker-client.js';

const SETUP = `
  CREATE TYPE mood AS ENUM ('calm', 'busy');
  CREATE TABLE kinds (
    id serial PRIMARY KEY,
    label text UNIQUE,
    n int, big bigint, ratio float8, flag bool, at timestamptz, day date,
    doc json, docb jsonb, bytes bytea, tags text[], counts int[], feeling mood
  );`;

const INSERT = `INSERT INTO kinds (label, n, big, ratio, flag, at, day, doc, docb, bytes, tags, counts, feeling)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`;

function sampleRow(label: string): unknown[] {
  return [
    label,
    42,
    2n ** 53n + 1n,
    0.25,
    true,
    new Date('2026-03-04T05:06:07.089Z'),
    new Date('2026-03-04T00:00:00.000Z'),
    { nested: [1, 'two', null] },
    { b: true },
    new Uint8Array([0, 1, 254, 255]),
    ['a', 'b,c', ''],
    [1, 2, 3],
    'busy',
  ];
}

/** Settles `promise` into a value or the error's class and own fields, so both sides compare as data. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { value: await promise };
  } catch (error) {
    const { stack: _stack, ...fields } = Object.getOwnPropertyDescriptors(error);
    void _stack;
    return {
      error: (error as Error).constructor,
      message: (error as Error).message,
      fields: Object.fromEntries(Object.entries(fields).map(([key, descriptor]) => [key, descriptor.value])),
    };
  }
}

describe('PGlite in a worker thread', () => {
  let inProcess: PGlite;
  let worker: PGliteLike;
  let dataDir: string;
  let connection: DatabaseConnection;
  /** Prisma over in-process PGlite, for raw statements (it has no schema). */
  let inProcessPrisma: PrismaClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'lumiku-pglite-worker-'));
    inProcess = new PGlite();
    [worker, connection] = await Promise.all([
      startPGlite('memory://'),
      openDatabase({ databaseUrl: undefined, dataDir }),
      inProcess.waitReady,
    ]);
    await connection.migrate();
    await Promise.all([inProcess.exec(SETUP), worker.exec(SETUP)]);
    inProcessPrisma = new PrismaClient({ adapter: new PrismaPGlite(inProcess) });
  });

  afterAll(async () => {
    await inProcessPrisma?.$disconnect();
    await inProcess?.close();
    await worker?.close();
    await connection?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('returns rows and fields of every column type shaped as in-process, with parameters of each type', async () => {
    const [here, there] = await Promise.all([
      inProcess.query(INSERT, sampleRow('types')),
      worker.query(INSERT, sampleRow('types')),
    ]);
    expect(there).toStrictEqual(here);
    const row = there.rows[0] as Record<string, unknown>;
    expect(row.bytes).toBeInstanceOf(Uint8Array);
    // A Date cloned from the thread belongs to Node's realm, not to the one Jest runs this file in.
    expect(Object.prototype.toString.call(row.at)).toBe('[object Date]');
    expect(row.big).toBe(2n ** 53n + 1n);
    expect(there.fields.find((field) => field.name === 'docb')?.dataTypeID).toBe(3802);

    const nulls = Array.from({ length: 12 }, () => null);
    const select = 'SELECT * FROM kinds WHERE label = $1 OR label IS NULL ORDER BY id';
    await Promise.all([inProcess.query(INSERT, [null, ...nulls]), worker.query(INSERT, [null, ...nulls])]);
    expect(await worker.query(select, ['types'])).toStrictEqual(await inProcess.query(select, ['types']));
  });

  it('leaves the columns of caller parsers as text in the thread and parses them on this side', async () => {
    const options = {
      rowMode: 'array' as const,
      parsers: { 1184: (text: string) => `at ${text}`, 114: (text: string) => text, 17: (text: string) => text.length },
    };
    const sql = `SELECT at, doc, bytes, n, tags, NULL::timestamptz AS missing FROM kinds WHERE label = 'types'`;
    const [here, there] = await Promise.all([inProcess.query(sql, [], options), worker.query(sql, [], options)]);
    expect(there).toStrictEqual(here);
    expect(there.rows[0]).toEqual([
      expect.stringMatching(/^at 2026-03-04 05:06:07.089/),
      expect.any(String),
      10,
      42,
      ['a', 'b,c', ''],
      null,
    ]);
  });

  it('answers multi-statement exec with one result per statement and the affected row counts', async () => {
    const script = `UPDATE kinds SET n = n + 1 WHERE label = 'types'; SELECT label, n FROM kinds ORDER BY id; DELETE FROM kinds WHERE label IS NULL`;
    expect(await worker.exec(script)).toStrictEqual(await inProcess.exec(script));
  });

  it('rebuilds PostgreSQL errors with their class, code, detail, constraint and statement', async () => {
    const duplicate = () => sampleRow('types');
    const [here, there] = await Promise.all([
      outcome(inProcess.query(INSERT, duplicate())),
      outcome(worker.query(INSERT, duplicate())),
    ]);
    expect(there).toStrictEqual(here);
    expect(there).toMatchObject({
      error: messages.DatabaseError,
      fields: { code: '23505', constraint: 'kinds_label_key' },
    });
    const syntax = 'SELEC 1';
    expect(await outcome(worker.exec(syntax))).toStrictEqual(await outcome(inProcess.exec(syntax)));
  });

  it('maps a unique violation to P2002 through the Prisma adapter', async () => {
    const data = { email: `dup-${Date.now()}@example.com`, name: 'dup' };
    await connection.client.user.create({ data });
    const error: unknown = await connection.client.user.create({ data }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
  });

  it('round-trips the schema column types through Prisma models and raw SQL as in-process PGlite does', async () => {
    const user = await connection.client.user.create({ data: { email: `kinds-${Date.now()}@example.com`, name: 'k' } });
    const keypoints = Array.from({ length: 18 }, (_, index) => ({ x: index / 18, y: 0.5, c: 1 }));
    const created = await connection.client.poseTemplate.create({
      data: {
        userId: user.id,
        name: 'Types',
        category: 'fashion-standing',
        keypoints,
        canvasWidth: 512,
        canvasHeight: 768,
        difficulty: 'hard',
        tags: ['one', 'two'],
        gender: 'female',
        successRate: 0.75,
        avgQualityScore: null,
      },
    });
    const read = await connection.client.poseTemplate.findUniqueOrThrow({ where: { id: created.id } });
    expect(read).toEqual(created);
    expect(read).toMatchObject({ keypoints, tags: ['one', 'two'], difficulty: 'hard', avgQualityScore: null });

    const raw = (client: PrismaClient) => client.$queryRaw`
      SELECT ${7}::int4 AS i, ${2n ** 60n}::int8 AS big, ${1.5}::float8 AS f, ${false} AS b, ${'tëxt'} AS t,
        ${new Date('2026-01-02T03:04:05.678Z')}::timestamptz AS ts, ${Buffer.from([0, 1, 255])}::bytea AS bytes,
        ${['x', 'y']}::text[] AS arr, ${JSON.stringify({ a: [1, 2] })}::jsonb AS j, NULL::text AS none,
        '2026-01-02'::date AS d, 12.50::numeric AS num`;
    expect(await raw(connection.client)).toStrictEqual(await raw(inProcessPrisma));
  });

  it('commits, rolls back on a thrown error and on tx.rollback() as PGlite transactions do', async () => {
    type Database = Pick<PGliteLike, 'query' | 'transaction'>;
    const count = async (db: Database, label: string) =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kinds WHERE label = $1', [label])).rows[0].n;
    const databases: Database[] = [inProcess, worker];
    for (const db of databases) {
      await db.transaction(async (tx) => {
        await tx.query(INSERT, sampleRow('committed'));
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.query(INSERT, sampleRow('thrown'));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const afterRollback = await db.transaction(async (tx) => {
        await tx.query(INSERT, sampleRow('rolled back'));
        await tx.rollback();
        return outcome(tx.query('SELECT 1'));
      });
      expect(afterRollback).toMatchObject({ message: 'Transaction is closed' });
      expect([await count(db, 'committed'), await count(db, 'thrown'), await count(db, 'rolled back')]).toEqual([
        1, 0, 0,
      ]);
    }
  });

  it('holds statements from outside while a transaction is open, then runs them after it', async () => {
    let outsideAnswered = false;
    let outside: Promise<number> | undefined;
    await worker.transaction(async (tx) => {
      await tx.query(INSERT, sampleRow('during tx'));
      outside = worker
        .query<{ n: number }>(`SELECT count(*)::int AS n FROM kinds WHERE label = 'during tx'`)
        .then((result) => {
          outsideAnswered = true;
          return result.rows[0].n;
        });
      // Several round trips to the thread: a statement that slipped into the transaction would answer meanwhile.
      for (let step = 0; step < 5; step++) await tx.query('SELECT pg_sleep(0.02)');
      expect(outsideAnswered).toBe(false);
    });
    expect(await outside).toBe(1);
  });

  it('keeps the order of statements posted together', async () => {
    await worker.exec('CREATE TABLE ordered (seq int)');
    await Promise.all(Array.from({ length: 50 }, (_, seq) => worker.query('INSERT INTO ordered VALUES ($1)', [seq])));
    const { rows } = await worker.query<{ seq: number }>('SELECT seq FROM ordered');
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 50 }, (_, seq) => seq));
  });

  it('fails what waits with a connection-loss error when the thread dies, and every later call too', async () => {
    const doomed = await startPGlite('memory://');
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(doomed as unknown as PGlite) });
    expect(await prisma.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    const waiting = prisma.$queryRaw`SELECT pg_sleep(2)`.catch((error: unknown) => error);
    // Time for the statement to reach the thread, so the thread dies under it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await doomed.worker.terminate();
    const lost = await waiting;
    expect(isConnectionLoss(lost)).toBe(true);
    await expect(doomed.query('SELECT 1')).rejects.toMatchObject({ code: '08006' });
    await doomed.close();
    await prisma.$disconnect();
  });

  it('closes PGlite and ends its thread', async () => {
    const exited = once(worker.worker, 'exit');
    await worker.close();
    await exited;
    await expect(worker.query('SELECT 1')).rejects.toThrow('PGlite is closed');
  });
});
