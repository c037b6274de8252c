import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LogLevel } from '@nestjs/common';
import type { Settings } from '@crux/contracts';
import { ensureJobsStream } from '@crux/messaging';
import { AppModule } from './app.module.js';
import { ApiKeyRegistry } from './auth/api-key-registry.js';
import { loadApiKeys } from './auth/load-api-keys.js';
import {
  commandTimeoutFor,
  DEFAULT_CANCEL_WAIT_MS,
  DEFAULT_SSE_HEARTBEAT_MS,
  verifyTimeoutFor,
  type GatewayConfig,
} from './config/gateway-config.js';
import { ApiDescription } from './docs/api-description.js';
import { installEdgeHooks } from './edge/edge-hooks.js';
import { RateLimiter } from './edge/rate-limiter.js';
import { answerClientError, answerFrameworkError, MAX_PARAM_LENGTH } from './http/client-error.js';
import { installJsonBodyParser } from './http/json-body.js';
import { RouteTable } from './http/route-table.js';
import { MetricsService } from './metrics/metrics.service.js';
import { NatsService } from './nats/nats.service.js';

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
  app: NestFastifyApplication;
  /** http://host:port the server listens on (the real port when CRUX_HTTP_PORT is 0). */
  url: string;
}

/** How often Node looks for requests over their headers or request timeout (its default is 30 s). */
const TIMEOUT_CHECK_MS = 1000;

/**
 * Builds the gateway app without listening. Refuses to build without API keys, before it
 * connects anywhere: an open gateway must never start by accident.
 *
 * One pipeline for every route, submit included: Fastify's `onRequest` hook (security headers,
 * metrics, authentication, rate limit, role), then the one body parser, then Nest's pipes and
 * handler, and errors through the one exception filter.
 */
export async function createGatewayApp(options: GatewayOptions): Promise<NestFastifyApplication> {
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
  const continues = new WeakMap<IncomingMessage, ServerResponse>();
  const adapter = new FastifyAdapter({
    bodyLimit: settings.maxBodyBytes,
    // A slow client is cut off: headers, then the whole request, within these (408).
    http: { headersTimeout: settings.httpHeadersTimeoutMs, connectionsCheckingInterval: TIMEOUT_CHECK_MS },
    requestTimeout: settings.httpRequestTimeoutMs,
    keepAliveTimeout: settings.httpKeepAliveTimeoutMs,
    // Requests that arrive while the server closes are still answered (GracefulClose closes their connections).
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bodyParser: false,
    logger: options.logLevels ?? ['log', 'warn', 'error'],
  });
  app.get(ApiDescription).attach(app);
  const fastify = app.getHttpAdapter().getInstance();
  installEdgeHooks(fastify, {
    keys: app.get(ApiKeyRegistry),
    limiter: app.get(RateLimiter),
    metrics: app.get(MetricsService),
    routes: app.get(RouteTable),
  });
  installJsonBodyParser(fastify, settings.maxBodyBytes, (req) => continues.get(req));
  holdContinue(app.getHttpServer() as Server, continues);
  return app;
}

/**
 * Node answers `Expect: 100-continue` with a 100 as soon as the headers arrive, unless the
 * server listens for `checkContinue`. Here the request goes the usual way and the body parser
 * sends the 100 only when it is about to read the body: a client that is refused (401, 403,
 * 413 from its Content-Length, …) hears the refusal without ever being asked to send it.
 */
function holdContinue(server: Server, continues: WeakMap<IncomingMessage, ServerResponse>): void {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    continues.set(req, res);
    server.emit('request', req, res);
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
