/**
 * crux-worker: runs solve jobs from the `workers` queue in a pool of child processes.
 * No HTTP API: a Nest application context that talks only over NATS (and a health port
 * when CRUX_HEALTH_PORT is set).
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadSettings, SettingsError } from '@crux/contracts';
import { natsAnswers, natsOpen, serveHealth, serviceLogger } from '@crux/observability';
import { WorkerModule } from './worker.module.js';
import { WorkerService } from './worker.service.js';

async function main(): Promise<void> {
  const settings = loadSettings(process.env);
  // Per-job lines (running, completed) are debug and not printed at the default CRUX_LOG_LEVEL: at hundreds of short jobs a second, writing them costs more than the jobs.
  const logger = serviceLogger('crux-worker', settings);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(settings), { logger });
  app.enableShutdownHooks();
  const nc = app.get(WorkerService).natsConnection();
  await serveHealth(settings, { live: { nats: natsOpen(nc) }, ready: { nats: natsAnswers(nc) } });
  logger.log(`crux-worker ready (worker ${settings.workerId}, pool of ${settings.workerConcurrency})`, 'Main');
}

main().catch((error: unknown) => {
  if (error instanceof SettingsError) console.error(`crux-worker: ${error.message}`);
  else new Logger('Worker').error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
