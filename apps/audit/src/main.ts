/**
 * crux-audit: keeps the permanent, tamper-evident deletion trail in the AUDIT stream and
 * answers `audit.query` / `audit.verify`. No HTTP: a Nest application context on NATS.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadSettings, SettingsError } from '@crux/contracts';
import { AuditModule, SERVICE_NAME } from './audit.module.js';

async function bootstrap(): Promise<void> {
  const settings = loadSettings(process.env);
  const app = await NestFactory.createApplicationContext(AuditModule.forRoot(settings), {
    logger: ['fatal', 'error', 'warn', 'log'],
  });
  // SIGTERM/SIGINT → app.close(): stop serving, finish the append in flight, drain NATS.
  app.enableShutdownHooks();
  // Printed once recording and serving; tests and `npm start` wait for this line.
  console.log(`${SERVICE_NAME} ready`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof SettingsError) console.error(`${SERVICE_NAME}: ${error.message}`);
  else new Logger('Audit').fatal(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
