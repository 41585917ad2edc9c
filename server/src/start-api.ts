import { createApp } from './bootstrap.js';
import type { AppConfig } from './config/app-config.js';
import { closeOnSignals } from './infra/process/close-on-signals.js';
import { drainHttpThenClose } from './infra/process/drain-http.js';
import { DevAccessService } from './users/dev-access.service.js';

/** Creates the API, listens, closes on signals, and prints where it is and how to call it. */
export async function startApi(config: AppConfig): Promise<void> {
  const app = await createApp(config);
  closeOnSignals(drainHttpThenClose(app), config.shutdownTimeoutMs);
  await app.init();
  const devApiKey = app.get(DevAccessService).devApiKey;
  // The first-run key is printed below and works for anyone who can reach the port: loopback only, unless HOST says otherwise.
  const host = config.host ?? (devApiKey ? '127.0.0.1' : '0.0.0.0');
  await app.listen({ port: config.port, host });
  // PORT=0 asks for any free port: print the one bound.
  const address = app.getHttpServer().address();
  const port = address && typeof address === 'object' ? address.port : config.port;

  const base = `http://localhost:${port}`;
  const lines = [
    `Lumiku Pose is listening on ${base}`,
    `  Swagger UI:   ${base}/docs`,
    `  OpenAPI:      ${base}/openapi.json`,
    `  Bound to:     ${host}${config.host ? ' (HOST)' : devApiKey ? ' (the development key is in use; set HOST to listen elsewhere)' : ''}`,
    `  Database:     ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`}`,
    ...(devApiKey
      ? [
          `  API key:      ${devApiKey}`,
          `  Try it:       curl -H "Authorization: Bearer ${devApiKey}" ${base}/v1/brand-kits`,
        ]
      : []),
    `  Logs:         ${config.logLevel === 'info' ? 'writes and errors at LOG_LEVEL=info, 1 in 100 reads' : `LOG_LEVEL=${config.logLevel}`}; Ctrl-C stops`,
  ];
  console.log(lines.join('\n'));
}
