import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  // Node 20 and evergreen browsers both run ES2022; nothing Node-specific is imported.
  target: 'es2022',
  platform: 'neutral',
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
