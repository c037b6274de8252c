import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadSettings } from '@crux/contracts';
import { natsAnswers, natsOpen, redisAnswers, serveHealth, serviceLogger } from '@crux/observability';
import { startJobStateApp } from './job-state-app.js';
import { SERVICE_NAME } from './job-state.module.js';
import { Tokens } from './tokens.js';

async function bootstrap(): Promise<void> {
  const settings = loadSettings(process.env);
  const logger = serviceLogger(SERVICE_NAME, settings);
  const app = await startJobStateApp(settings, logger);
  // SIGTERM/SIGINT → app.close(): stop serving and consuming, drain NATS, quit Redis.
  app.enableShutdownHooks();
  const nc = app.get(Tokens.Nats);
  await serveHealth(settings, {
    live: { nats: natsOpen(nc) },
    ready: { nats: natsAnswers(nc), redis: redisAnswers(app.get(Tokens.QueryRedis)) },
  });
  // Printed once consuming and serving; tests and `npm start` wait for this line.
  logger.log(`${SERVICE_NAME} ready`, 'Main');
}

bootstrap().catch((error: unknown) => {
  new Logger('JobState').fatal(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
