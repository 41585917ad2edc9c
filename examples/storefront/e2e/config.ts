import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the e2e script finds the storefront and puts its screenshots (never inside the repository). */
export const config = {
  storefrontUrl: process.env.STOREFRONT_URL ?? 'http://127.0.0.1:5173',
  artifactsDir: process.env.ARTIFACTS_DIR ?? join(tmpdir(), 'lumiku-storefront-e2e'),
  chromium: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
};
