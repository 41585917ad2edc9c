/**
 * `npm run docs:check`: every SDK example in the docs is a file here, type-checked against the SDK's
 * sources, and each Markdown block marked `<!-- snippet: docs/snippets/<file>.ts -->` must equal its file.
 * `--write` copies the files into the marked blocks instead of comparing.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const documents = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const marked = /<!-- snippet: (\S+) -->\n```ts\n([\s\S]*?)```/g;
const write = process.argv.includes('--write');

let stale = 0;
for (const document of documents) {
  const file = path.join(root, document);
  const text = readFileSync(file, 'utf8');
  const updated = text.replace(marked, (block, snippet, code) => {
    const source = readFileSync(path.join(root, snippet), 'utf8');
    if (code === source) return block;
    if (!write) {
      console.error(`${document}: the block marked ${snippet} differs from the file`);
      stale += 1;
    }
    return `<!-- snippet: ${snippet} -->\n\`\`\`ts\n${source}\`\`\``;
  });
  if (write && updated !== text) writeFileSync(file, updated);
}
if (stale > 0) {
  console.error('run `npm run docs:check -- --write` to copy the snippet files into the docs');
  process.exit(1);
}

const typecheck = spawnSync('npx', ['tsc', '-p', 'docs/snippets/tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (typecheck.status !== 0) process.exit(typecheck.status ?? 1);
console.log('doc snippets match their files and type-check against the SDK');
