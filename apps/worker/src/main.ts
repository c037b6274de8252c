/**
 * crux-worker: runs solve jobs from the `workers` queue in a pool of child processes.
 * No HTTP: a Nest application context that talks only over NATS.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadSettings, SettingsError } from '@crux/contracts';
import { WorkerModule } from './worker.module.js';

async function main(): Promise<void> {
  const settings = loadSettings(process.env);
  // Per-job lines (running, completed) are debug and not printed: at hundreds of short jobs a second, writing them costs more than the jobs.
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(settings), { logger: ['fatal', 'error', 'warn', 'log'] });
  app.enableShutdownHooks();
  console.log(`crux-worker ready (worker ${settings.workerId}, pool of ${settings.workerConcurrency})`);
}

main().catch((error: unknown) => {
  if (error instanceof SettingsError) console.error(`crux-worker: ${error.message}`);
  else new Logger('Worker').error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
