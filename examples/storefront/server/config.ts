/** The storefront server's settings, read once from the environment. */
function required(name: string, hint: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name}: ${hint} (see examples/storefront/README.md).`);
    process.exit(2);
  }
  return value;
}

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 5173);

export const config = {
  /** The shop's secret key. It stays on this server; the page only ever sees client tokens. */
  apiKey: required('LUMIKU_API_KEY', 'the secret key the API printed at start (lk_test_...)'),
  /** The API as both this server and the browser reach it. */
  apiBaseUrl: process.env.LUMIKU_BASE_URL ?? 'http://127.0.0.1:3000',
  host,
  port,
  /** Where the page is served from; the storefront's API key allows these origins. */
  origins: [`http://${host}:${port}`, ...(host === '127.0.0.1' ? [`http://localhost:${port}`] : [])],
  brandName: process.env.STOREFRONT_BRAND ?? 'Glow Lab',
  /** Serve the built page (`npm run build`) instead of Vite's dev middleware. */
  production: process.env.NODE_ENV === 'production',
};
