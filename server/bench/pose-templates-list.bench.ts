/**
 * How long the server takes to answer filtered pose-template lists over a
 * library of 1,000 visible templates (the built-in library plus the user's own).
 * Server time runs from Node's HTTP server starting a request to finishing its
 * response (routing, auth, validation, query, serialisation), read from the
 * `http.server.*` diagnostics channels; the client's round trip on 127.0.0.1 is
 * printed beside it. Prints figures; asserts nothing about time.
 *
 *   cd server && NODE_OPTIONS="--experimental-vm-modules --no-warnings=ExperimentalWarning" \
 *     npx jest --testMatch '<rootDir>/bench/**\/*.bench.ts' bench/pose-templates-list.bench.ts
 *
 * It runs under Jest because ts-jest emits the decorator metadata Nest's
 * dependency injection needs (tsx does not).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { startTestApp, type TestApp } from '../test/support/test-app.js';

const LIBRARY_SIZE = 1000;
const WARM_UP = 30;
const MEASURED = 300;
/** The first query is the floor every authenticated request pays (API key check, routing, one tiny query). */
const SCENARIOS = [
  '/v1/brand-kits?limit=1',
  '/v1/pose-templates?category=fashion&limit=100',
  '/v1/pose-templates?category=skincare-application&gender=female&limit=20',
  '/v1/pose-templates?tag=three-quarter-view&sort=successRate&limit=50',
  '/v1/pose-templates?productPlacement=both-hands&difficulty=easy&limit=100',
  '/v1/pose-templates?category=lifestyle&sort=usageCount&limit=100',
];

function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

function summary(durations: number[]): string {
  const sorted = [...durations].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return `p50 ${percentile(sorted, 0.5).toFixed(2)} ms, p95 ${percentile(sorted, 0.95).toFixed(2)} ms, mean ${mean.toFixed(2)} ms`;
}

describe('pose template list benchmark', () => {
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    apiKey = (await t.createUser()).apiKey;
    const categories = (await t.request('GET', '/v1/pose-templates/categories', { key: apiKey })).body.data as Array<{
      count: number;
    }>;
    const shared = categories.reduce((sum, entry) => sum + entry.count, 0);
    const standing = (await t.request('GET', '/v1/pose-templates?category=fashion-standing&limit=1', { key: apiKey }))
      .body.data[0];
    for (let index = shared; index < LIBRARY_SIZE; index++) {
      const created = await t.request('POST', '/v1/pose-templates', {
        key: apiKey,
        body: {
          name: `Own pose ${index}`,
          category: 'fashion-own',
          tags: ['own'],
          keypoints: standing.keypoints,
          canvas: standing.canvas,
        },
      });
      if (created.status !== 201) throw new Error(`could not create a template: ${JSON.stringify(created.body)}`);
    }
  });

  afterAll(() => t.close());

  it(`lists ${LIBRARY_SIZE} templates with filters`, async () => {
    const load = os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(' ');
    const lines = [
      `pose-templates list, ${LIBRARY_SIZE} visible templates, ${MEASURED} requests per query after ${WARM_UP} warm-up`,
      `(${os.cpus().length} CPUs, load average ${load}):`,
    ];
    const started = new WeakMap<IncomingMessage, number>();
    let serverTimes: number[] = [];
    const onStart = (message: unknown) =>
      started.set((message as { request: IncomingMessage }).request, performance.now());
    const onFinish = (message: unknown) => {
      const begin = started.get((message as { request: IncomingMessage }).request);
      if (begin !== undefined) serverTimes.push(performance.now() - begin);
    };
    diagnosticsChannel.subscribe('http.server.request.start', onStart);
    diagnosticsChannel.subscribe('http.server.response.finish', onFinish);
    const get = async (url: string) =>
      (await fetch(t.baseUrl + url, { headers: { authorization: `Bearer ${apiKey}` } })).json() as Promise<{
        data: unknown[];
      }>;
    for (const url of SCENARIOS) {
      for (let index = 0; index < WARM_UP; index++) await get(url);
      serverTimes = [];
      const roundTrips: number[] = [];
      let items = 0;
      for (let index = 0; index < MEASURED; index++) {
        const begin = performance.now();
        items = (await get(url)).data.length;
        roundTrips.push(performance.now() - begin);
      }
      lines.push(
        `  ${url} (${items} items)\n    server     ${summary(serverTimes)}\n    round trip ${summary(roundTrips)}`,
      );
    }
    diagnosticsChannel.unsubscribe('http.server.request.start', onStart);
    diagnosticsChannel.unsubscribe('http.server.response.finish', onFinish);
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    expect(lines.length).toBe(SCENARIOS.length + 2);
  });
});
