import { createApp } from './bootstrap.js';
import { loadConfigFromProcessOrExit } from './config/app-config.js';
import { DevAccessService } from './users/dev-access.service.js';

const config = loadConfigFromProcessOrExit();
const app = await createApp(config);
app.enableShutdownHooks();
await app.listen({ port: config.port, host: '0.0.0.0' });

const base = `http://localhost:${config.port}`;
const devApiKey = app.get(DevAccessService).devApiKey;
const lines = [
  `Lumiku Pose is listening on ${base}`,
  `  Swagger UI:   ${base}/docs`,
  `  OpenAPI:      ${base}/openapi.json`,
  `  Database:     ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`}`,
  ...(devApiKey
    ? [
        `  API key:      ${devApiKey}`,
        `  Try it:       curl -H "Authorization: Bearer ${devApiKey}" ${base}/v1/brand-kits`,
      ]
    : []),
];
console.log(lines.join('\n'));
