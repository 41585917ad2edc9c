// Checks what `npm pack` would publish: the built files and package.json, nothing else.
import { execFileSync } from 'node:child_process';

const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { encoding: 'utf8' }));
const files = pack.files.map((file) => file.path).sort();
const expected = [
  'README.md',
  'dist/index.cjs',
  'dist/index.d.cts',
  'dist/index.d.ts',
  'dist/index.js',
  'package.json',
];
const missing = expected.filter((file) => !files.includes(file));
const unexpected = files.filter((file) => !file.startsWith('dist/') && !expected.includes(file));
console.log(`npm pack: ${files.length} files, ${pack.size} B packed`);
if (missing.length || unexpected.length) {
  console.error({ missing, unexpected });
  process.exit(1);
}
