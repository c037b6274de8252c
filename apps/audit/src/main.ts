/**
 * crux-audit: keeps the permanent, tamper-evident deletion trail in the AUDIT stream and
 * answers `audit.query` / `audit.verify`. No HTTP API: a Nest microservice on NATS (and a
 * health port when CRUX_HEALTH_PORT is set).
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadSettings, SettingsError } from '@crux/contracts';
import { natsAnswers, natsOpen, serveHealth, serviceLogger } from '@crux/observability';
import { startAuditApp } from './audit-app.js';
import { SERVICE_NAME } from './audit.module.js';
import { Tokens } from './tokens.js';

async function bootstrap(): Promise<void> {
  const settings = loadSettings(process.env);
  const logger = serviceLogger(SERVICE_NAME, settings);
  const app = await startAuditApp(settings, logger);
  // SIGTERM/SIGINT → app.close(): stop serving, finish the append in flight, drain NATS.
  app.enableShutdownHooks();
  const nc = app.get(Tokens.Nats);
  await serveHealth(settings, { live: { nats: natsOpen(nc) }, ready: { nats: natsAnswers(nc) } });
  // Printed once recording and serving; tests and `npm start` wait for this line.
  logger.log(`${SERVICE_NAME} ready`, 'Main');
}

bootstrap().catch((error: unknown) => {
  if (error instanceof SettingsError) console.error(`${SERVICE_NAME}: ${error.message}`);
  else new Logger('Audit').fatal(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
