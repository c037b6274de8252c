import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadSettings } from '@crux/contracts';
import { JobStateModule, SERVICE_NAME } from './job-state.module.js';

async function bootstrap(): Promise<void> {
  const settings = loadSettings(process.env);
  const app = await NestFactory.createApplicationContext(JobStateModule.forRoot(settings), {
    logger: ['fatal', 'error', 'warn', 'log'],
  });
  // SIGTERM/SIGINT → app.close(): stop serving and consuming, drain NATS, quit Redis.
  app.enableShutdownHooks();
  // Printed once consuming and serving; tests and `npm start` wait for this line.
  console.log(`${SERVICE_NAME} ready`);
}

bootstrap().catch((error: unknown) => {
  new Logger('JobState').fatal(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
