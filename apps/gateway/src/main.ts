import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadSettings } from '@crux/contracts';
import { serviceLogger } from '@crux/observability';
import { startGateway } from './gateway-app.js';

async function main(): Promise<void> {
  const settings = loadSettings(process.env);
  // Installed before the app exists, so every Nest and gateway line goes through it.
  Logger.overrideLogger(serviceLogger('crux-gateway', settings));
  const { app, url } = await startGateway({ settings });
  // SIGTERM/SIGINT: close the HTTP server (ending SSE streams and sync waits), then drain NATS.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  new Logger('Main').log(`crux-gateway ready ${url}`);
}

main().catch((error: unknown) => {
  // The message only: settings errors say what to fix, and nothing here holds a secret.
  new Logger('Main').error(`crux-gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
