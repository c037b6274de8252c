import 'reflect-metadata';
import { loadSettings } from '@crux/contracts';
import { startGateway } from './gateway-app.js';

async function main(): Promise<void> {
  const settings = loadSettings(process.env);
  const { app, url } = await startGateway({ settings });
  // SIGTERM/SIGINT: close the HTTP server (ending SSE streams and sync waits), then drain NATS.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  console.log(`crux-gateway ready ${url}`);
}

main().catch((error: unknown) => {
  // The message only: settings errors say what to fix, and nothing here holds a secret.
  console.error(`crux-gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
