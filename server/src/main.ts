import { loadConfigFromProcessOrExit } from './config/app-config.js';
import { openPGliteEarly } from './infra/database/pglite-files.js';

const config = loadConfigFromProcessOrExit();
// Before the app's module graph is imported: the embedded database opens in its thread meanwhile.
if (!config.databaseUrl) openPGliteEarly(config.dataDir);
const { startApi } = await import('./start-api.js');
await startApi(config);
