import { unzipSync } from 'fflate';

const IMAGE_NAME = /\.(png|jpe?g|webp)$/i;

/** One line about a downloaded archive: its images and whether it has a manifest. */
export function describeArchive(zip: Uint8Array): string {
  const names = Object.keys(unzipSync(zip, { filter: (file) => !file.name.endsWith('/') }));
  const images = names.filter((name) => IMAGE_NAME.test(name)).length;
  const manifest = names.includes('manifest.json') ? ' and manifest.json' : ', no manifest.json';
  return `${images} images${manifest} (${(zip.length / 1024 / 1024).toFixed(1)} MB)`;
}
