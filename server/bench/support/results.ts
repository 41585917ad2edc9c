/**
 * Where a benchmark leaves its figures besides printing them: one JSON file per benchmark and lane under
 * bench/results/, committed, so docs/performance.md and its chart (bench/report.mjs) are drawn from the last
 * run on a named machine rather than copied by hand.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchFigure {
  /** What was measured, in words a reader of docs/performance.md understands. */
  name: string;
  value: number;
  unit: string;
  /** The target the issue sets, when there is one (for example 1.0 of the bare server). */
  target?: { op: '<=' | '>='; value: number };
}

const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function machineDescription(): {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  load: string;
} {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    load: os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(' '),
  };
}

/** Writes bench/results/<bench>.<lane>.json and returns its path. */
export async function recordBenchResult(options: {
  bench: string;
  lane: 'embedded' | 'services';
  command: string;
  figures: BenchFigure[];
}): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${options.bench}.${options.lane}.json`);
  const result = { ...options, measuredAt: new Date().toISOString(), machine: machineDescription() };
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** The lines a benchmark's printout ends with: the load it ran under and the command that reproduces it. */
export function closingLines(command: string): string[] {
  return [`  load average ${machineDescription().load}`, `  reproduce: ${command}\n`];
}
