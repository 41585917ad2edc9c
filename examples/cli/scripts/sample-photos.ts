/**
 * Writes two stand-in photos to try the CLI with when you have none at hand: a model on a warm
 * background (`a.jpg`) and a blue bottle on white (`p.png`).
 *
 *   npm run sample-photos -w examples/cli -- <folder>
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

const folder = resolve(process.argv[2] ?? '.');
await mkdir(folder, { recursive: true });
await sharp({ create: { width: 600, height: 900, channels: 3, background: '#c08a6a' } })
  .composite([
    { input: { create: { width: 220, height: 620, channels: 3, background: '#3a2a22' } }, left: 190, top: 200 },
  ])
  .jpeg()
  .toFile(join(folder, 'a.jpg'));
await sharp({ create: { width: 480, height: 480, channels: 3, background: '#ffffff' } })
  .composite([
    { input: { create: { width: 160, height: 300, channels: 3, background: '#2050c0' } }, left: 160, top: 90 },
  ])
  .png()
  .toFile(join(folder, 'p.png'));
console.log(`wrote ${join(folder, 'a.jpg')} and ${join(folder, 'p.png')}`);
