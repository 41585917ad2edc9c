import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ENDPOINT_FOLDER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../deploy/huggingface-endpoint',
);

/**
 * Runs Python `lines` next to deploy/huggingface-endpoint's request parser (plain Python, no torch), with `input`
 * on stdin, and returns the JSON it prints: so tests check what the adapter sends against the handler's own code.
 */
export function runWithEndpointParser<T>(lines: readonly string[], input: string | Buffer): T {
  // -B: no __pycache__ left in the deploy folder.
  const run = spawnSync('python3', ['-B', '-c', lines.join('\n')], { cwd: ENDPOINT_FOLDER, input, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the endpoint parser refused the request: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
