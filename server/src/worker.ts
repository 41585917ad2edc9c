/**
 * Queue workers only (`npm run worker`): runs generation slots from Bull on any
 * number of machines, with no HTTP server. Needs REDIS_URL and the same
 * DATABASE_URL as the API; SIGTERM lets running slots finish first.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ConfigError, loadConfigFromProcessOrExit } from './config/app-config.js';
import { createLogger, PinoNestLogger } from './common/logging/logger.js';
import { closeOnSignals } from './infra/process/close-on-signals.js';

const config = {
  ...loadConfigFromProcessOrExit((loaded) => {
    if (!loaded.redisUrl || !loaded.databaseUrl) {
      throw new ConfigError(['REDIS_URL and DATABASE_URL: a separate worker shares Redis and PostgreSQL with the API']);
    }
  }),
  runWorkers: true,
};
const app = await NestFactory.createApplicationContext(AppModule.register(config), {
  logger: new PinoNestLogger(createLogger(config)),
});
// Exit 0 after the close (enableShutdownHooks would re-raise the signal): running slots finish first.
closeOnSignals(() => app.close(), config.shutdownTimeoutMs);
await app.init();
console.log(`Lumiku Pose worker ${process.pid} is processing generation slots`);
