import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { LogLevel } from '@nestjs/common';
import type { Settings } from '@crux/contracts';
import { ensureJobsStream } from '@crux/messaging';
import { AppModule } from './app.module.js';
import { loadApiKeys } from './auth/load-api-keys.js';
import { setSecurityHeaders } from './edge/security-headers.js';
import {
  commandTimeoutFor,
  DEFAULT_CANCEL_WAIT_MS,
  DEFAULT_SSE_HEARTBEAT_MS,
  verifyTimeoutFor,
  type GatewayConfig,
} from './config/gateway-config.js';
import { MetricsService } from './metrics/metrics.service.js';
import { requestMetrics } from './metrics/request-metrics.middleware.js';
import { NatsService } from './nats/nats.service.js';
import { SolveHttpHandler } from './solve/solve-http.handler.js';

export interface GatewayOptions {
  settings: Settings;
  sseHeartbeatMs?: number;
  /** Overrides of the derived waits (see GatewayConfig); tests shorten them. */
  cancelWaitMs?: number;
  commandTimeoutMs?: number;
  verifyTimeoutMs?: number;
  /** Nest log levels; tests pass ['error'] to keep output quiet. */
  logLevels?: LogLevel[];
}

export interface RunningGateway {
  app: NestExpressApplication;
  /** http://host:port the server listens on (the real port when CRUX_HTTP_PORT is 0). */
  url: string;
}

/**
 * Builds the gateway app without listening. Refuses to build without API keys, before it
 * connects anywhere: an open gateway must never start by accident.
 */
export async function createGatewayApp(options: GatewayOptions): Promise<NestExpressApplication> {
  const { settings } = options;
  // Loads and validates the keys (any, distinct names and secrets, production rules) and throws with what to do.
  const keys = loadApiKeys(settings);
  const config: GatewayConfig = {
    settings,
    keys,
    sseHeartbeatMs: options.sseHeartbeatMs ?? DEFAULT_SSE_HEARTBEAT_MS,
    cancelWaitMs: options.cancelWaitMs ?? DEFAULT_CANCEL_WAIT_MS,
    commandTimeoutMs: options.commandTimeoutMs ?? commandTimeoutFor(settings),
    verifyTimeoutMs: options.verifyTimeoutMs ?? verifyTimeoutFor(settings),
  };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: options.logLevels ?? ['log', 'warn', 'error'],
  });
  app.disable('x-powered-by');
  // First, so its timing covers body parsing too.
  app.use(requestMetrics(app.get(MetricsService)));
  // strict: false lets a JSON scalar through, so it gets "must be a JSON object" rather than "not valid JSON".
  app.useBodyParser('json', { limit: settings.maxBodyBytes, strict: false, type: ['application/json', 'application/*+json'] });
  mountSubmitFastLane(app);
  return app;
}

/**
 * Puts the submit routes ahead of Express on the same HTTP server (see SolveHttpHandler for
 * why); every other request goes to Express and Nest as usual. Every answer, either way, gets
 * the security headers here, before any handler runs.
 */
function mountSubmitFastLane(app: NestExpressApplication): void {
  const server = app.getHttpServer() as Server;
  const solve = app.get(SolveHttpHandler);
  const [express, ...others] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!express || others.length > 0) throw new Error('expected exactly one request listener (Express) on the HTTP server');
  server.removeListener('request', express);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    setSecurityHeaders(res);
    const route = solve.match(req);
    if (route) void solve.handle(route, req, res);
    else express(req, res);
  });
}

/** Creates the gateway, makes sure the JOBS stream exists (the gateway may be first up) and listens. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const app = await createGatewayApp(options);
  try {
    const { settings } = options;
    await ensureJobsStream(await app.get(NatsService).jsm(), settings);
    await app.listen(settings.httpPort, settings.httpHost);
    const address = app.getHttpServer().address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { app, url: `http://${host}:${address.port}` };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
