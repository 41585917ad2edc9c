/**
 * Prints, writes or previews the built-in pose library. The server generates
 * the same library in-process when it seeds the database; this script is for
 * looking at it.
 *
 *   npx tsx scripts/pose-library.ts                         summary: counts and plausibility
 *   npx tsx scripts/pose-library.ts --json library.json     every template as JSON (deterministic)
 *   npx tsx scripts/pose-library.ts --sheet sheet.png [--category fashion-standing] [--limit 48]
 *                                                           a contact sheet of control images
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { generateBuiltinLibrary, type BuiltinTemplate } from '../src/pose-templates/library/builtin-library.js';
import { renderControlImage } from '../src/pose-templates/rendering/control-image.js';
import { findImplausibilities } from '../src/pose-templates/skeleton/plausibility.js';

const { values: options } = parseArgs({
  options: {
    json: { type: 'string' },
    sheet: { type: 'string' },
    category: { type: 'string' },
    limit: { type: 'string', default: '48' },
  },
});

const countBy = (templates: BuiltinTemplate[], key: (template: BuiltinTemplate) => string) =>
  Object.fromEntries(
    [
      ...templates.reduce(
        (counts, template) => counts.set(key(template), (counts.get(key(template)) ?? 0) + 1),
        new Map<string, number>(),
      ),
    ].sort(),
  );

async function contactSheet(templates: BuiltinTemplate[], file: string): Promise<void> {
  const [cellWidth, cellHeight, columns] = [192, 256, 8];
  const tiles = await Promise.all(
    templates.map(async (template, index) => ({
      input: (await renderControlImage(template, { width: cellWidth, height: cellHeight })).png,
      left: (index % columns) * cellWidth,
      top: Math.floor(index / columns) * cellHeight,
    })),
  );
  const rows = Math.ceil(templates.length / columns);
  await sharp({ create: { width: columns * cellWidth, height: rows * cellHeight, channels: 3, background: '#202020' } })
    .composite(tiles)
    .png()
    .toFile(file);
}

const library = generateBuiltinLibrary();
const implausible = library
  .map((template) => ({ sourceRef: template.sourceRef, problems: findImplausibilities(template) }))
  .filter((result) => result.problems.length > 0);

if (options.json) {
  await writeFile(options.json, `${JSON.stringify(library, null, 1)}\n`);
  console.log(`wrote ${library.length} templates to ${options.json}`);
} else if (options.sheet) {
  const chosen = library
    .filter((template) => !options.category || template.category === options.category)
    .slice(0, Number(options.limit));
  await contactSheet(chosen, options.sheet);
  console.log(`wrote a contact sheet of ${chosen.length} templates to ${options.sheet}`);
} else {
  console.log(`${library.length} templates`);
  console.log(
    'by category',
    countBy(library, (template) => template.category),
  );
  console.log(
    'by placement',
    countBy(library, (template) => template.productPlacement),
  );
  console.log(
    'by difficulty',
    countBy(library, (template) => template.difficulty),
  );
  console.log(
    'by gender',
    countBy(library, (template) => template.gender),
  );
  console.log(`${implausible.length} implausible`);
  for (const result of implausible.slice(0, 20)) console.log(`  ${result.sourceRef}: ${result.problems.join('; ')}`);
}
