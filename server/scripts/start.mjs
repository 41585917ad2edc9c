/**
 * `npm start`: builds the server only when a source is newer than the last build (`npm run build`
 * forces one), then runs it in this process, so Ctrl-C reaches the server itself and it exits 0.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repositoryRoot = path.dirname(serverRoot);
const builtEntry = path.join(serverRoot, 'dist', 'main.js');
/** What `npm run build` reads; src/generated is written by the build itself. */
const buildInputs = [
  path.join(serverRoot, 'src'),
  path.join(serverRoot, 'scripts', 'bundle-server.mjs'),
  path.join(serverRoot, 'prisma', 'schema.prisma'),
  path.join(serverRoot, 'tsconfig.json'),
  path.join(serverRoot, 'tsconfig.build.json'),
  path.join(serverRoot, 'package.json'),
  path.join(repositoryRoot, 'tsconfig.json'),
  path.join(repositoryRoot, 'nest-cli.json'),
];
const buildOutputs = new Set([path.join(serverRoot, 'src', 'generated')]);

function newestChange(entry) {
  if (buildOutputs.has(entry) || !existsSync(entry)) return 0;
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(entry).reduce((newest, name) => Math.max(newest, newestChange(path.join(entry, name))), 0);
}

const builtAt = existsSync(builtEntry) ? statSync(builtEntry).mtimeMs : 0;
const changedAt = Math.max(...buildInputs.map(newestChange));
if (changedAt > builtAt) {
  console.log(builtAt ? 'Sources changed since the last build: building the server…' : 'Building the server…');
  const build = spawnSync('npm', ['run', 'build', '--silent', '-w', 'server'], {
    cwd: repositoryRoot,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
} else {
  console.log('The server build is current (npm run build forces one); starting it.');
}
await import(pathToFileURL(builtEntry).href);
