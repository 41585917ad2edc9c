/**
 * The storefront example's server: holds the shop's secret key, mints client tokens for the page,
 * does the merchant-side calls (brand kit, uploads, exports), receives verified webhooks, and serves
 * the page (Vite's dev middleware, or the built files with NODE_ENV=production).
 *
 *   LUMIKU_API_KEY=lk_test_... npm run dev -w examples/storefront
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { APIConnectionError } from '@lumiku/pose-sdk';
import { config } from './config.js';
import { sendErrors, shopRoutes } from './routes.js';
import { Shop } from './shop.js';

const root = fileURLToPath(new URL('..', import.meta.url));

async function main() {
  const app = express();
  const httpServer = createServer(app);
  const shop = await Shop.open(`http://${config.host}:${config.port}/webhooks/lumiku`);
  app.use(shopRoutes(shop));
  app.use('/api', (_request, response) => void response.sendStatus(404));
  if (config.production) {
    app.use(express.static(`${root}/dist`));
    app.use((_request, response) => response.sendFile(`${root}/dist/index.html`));
  } else {
    // Imported here only: production serves files and needs no Vite.
    const { createServer: createViteServer } = await import('vite');
    const vite = await createViteServer({
      configFile: `${root}/vite.config.ts`,
      server: { middlewareMode: true, hmr: { server: httpServer } },
      appType: 'spa',
    });
    app.use(vite.middlewares);
    httpServer.once('close', () => void vite.close());
  }
  app.use(sendErrors);

  httpServer.listen(config.port, config.host, () => {
    console.log(
      `storefront on ${config.origins[0]} (brand kit "${shop.brandKit.brandName}", API ${config.apiBaseUrl})`,
    );
  });
  const stop = () => {
    httpServer.close();
    httpServer.closeAllConnections();
    shop.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof APIConnectionError) {
    console.error(`Cannot reach the API at ${config.apiBaseUrl}: start it (npm start) or set LUMIKU_BASE_URL.`);
  } else console.error(error);
  process.exit(1);
});
