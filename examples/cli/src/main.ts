/**
 * lumiku-example: the Lumiku Pose API from a terminal, on the SDK.
 *
 *   lumiku-example generate --avatar ./a.jpg --product ./p.png --mix fashion-standing=20,fashion-walking=10
 *   lumiku-example import ./poses/*.json [--category imported]
 *
 * LUMIKU_API_KEY and LUMIKU_BASE_URL come from the environment.
 */
import { parseArgs } from 'node:util';
import { Lumiku, LumikuError } from '@lumiku/pose-sdk';
import { generate } from './generate.js';
import { importPoses } from './import.js';

const USAGE = `usage:
  lumiku-example generate --avatar <image> --product <image> --mix <category=count,...>
                          [--brand-kit <id>] [--seed <n>] [--out <file.zip>]
  lumiku-example import <pose.json>... [--category <slug>] [--tags <a,b>]

LUMIKU_API_KEY (your secret key) and LUMIKU_BASE_URL (e.g. http://localhost:3000) are read from the environment.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      avatar: { type: 'string' },
      product: { type: 'string' },
      mix: { type: 'string' },
      'brand-kit': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      category: { type: 'string', default: 'imported' },
      tags: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...files] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const lumiku = new Lumiku({ maxRetries: 3 });
  if (command === 'generate') {
    if (!values.avatar || !values.product || !values.mix)
      throw new UsageError('generate needs --avatar, --product and --mix');
    return generate(lumiku, {
      avatarPath: values.avatar,
      productPath: values.product,
      distribution: parseMix(values.mix),
      brandKitId: values['brand-kit'],
      seed: values.seed === undefined ? undefined : Number(values.seed),
      outPath: values.out,
    });
  }
  if (command === 'import') {
    if (files.length === 0) throw new UsageError('import needs at least one pose file');
    return importPoses(lumiku, { files, category: values.category, tags: values.tags });
  }
  throw new UsageError(`unknown command ${command}`);
}

class UsageError extends Error {}

/** `fashion-standing=20,fashion-walking=10` → `{ 'fashion-standing': 20, 'fashion-walking': 10 }`. */
export function parseMix(mix: string): Record<string, number> {
  const distribution: Record<string, number> = {};
  for (const part of mix.split(',')) {
    const match = /^\s*([a-z][a-z0-9-]*)\s*=\s*(\d+)\s*$/.exec(part);
    if (!match) throw new UsageError(`--mix: "${part}" is not category=count`);
    distribution[match[1]] = Number(match[2]);
  }
  return distribution;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
    else if (error instanceof LumikuError) {
      console.error(`${error.name}: ${error.message}${error.requestId ? ` (request ${error.requestId})` : ''}`);
    } else console.error(error);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
