import { loadSettings, StreamName, type EventEnvelope, type Settings } from '@crux/contracts';
import {
  closeNats,
  connectNats,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
} from '@crux/messaging';
import { startNats, type TestServer } from '@crux/test-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startGateway, type GatewayOptions } from '../../src/gateway-app.js';

/** The keys every gateway test runs with: name → secret. */
export const Keys = {
  alice: 'alice-secret-0001',
  bob: 'bob-secret-0002',
  ops: 'ops-secret-0003',
  audit: 'audit-secret-0004',
} as const;
export type KeyName = keyof typeof Keys;

export const API_KEYS_ENV =
  'alice:submitter:alice-secret-0001,bob:submitter:bob-secret-0002,ops:operator:ops-secret-0003,audit:auditor:audit-secret-0004';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RequestOptions {
  key?: KeyName | null;
  /** Sent verbatim as the Authorization header, overriding `key`. */
  authorization?: string;
  method?: string;
  /** JSON-encoded and sent with Content-Type: application/json. */
  body?: unknown;
  /** Sent as it is (with `contentType`, default application/json). */
  raw?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
}

export interface Gateway {
  app: NestFastifyApplication;
  url: string;
  settings: Settings;
  request(path: string, options?: RequestOptions): Promise<Answer>;
  close(): Promise<void>;
}

/** Knobs of GatewayOptions a test may shorten. */
export type GatewayKnobs = Pick<GatewayOptions, 'cancelWaitMs' | 'commandTimeoutMs' | 'verifyTimeoutMs'>;

/** Starts a gateway in-process on a free port against `natsUrl`; env overrides on top of the test defaults. */
export async function startTestGateway(
  natsUrl: string,
  env: Record<string, string> = {},
  sseHeartbeatMs?: number,
  knobs: GatewayKnobs = {},
): Promise<Gateway> {
  const settings = loadSettings({
    NATS_URL: natsUrl,
    CRUX_HTTP_HOST: '127.0.0.1',
    CRUX_HTTP_PORT: '0',
    CRUX_API_KEYS: API_KEYS_ENV,
    CRUX_REQUEST_TIMEOUT_MS: '1000',
    ...env,
  });
  const { app, url } = await startGateway({ settings, sseHeartbeatMs, logLevels: ['error'], ...knobs });
  return {
    app,
    url,
    settings,
    request: (path, options) => call(url, path, options),
    close: () => app.close(),
  };
}

export async function call(baseUrl: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const key = options.key === undefined ? 'alice' : options.key;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  else if (key) headers.authorization = `Bearer ${Keys[key]}`;
  let body: string | undefined;
  if (options.raw !== undefined || options.body !== undefined) {
    body = options.raw ?? JSON.stringify(options.body);
    const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
    if (contentType) headers['content-type'] = contentType;
  }
  const response = await fetch(`${baseUrl}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** NATS and a client connection of the test's own, acting as the other services. */
export interface TestNats {
  server: TestServer;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Every message of one job in the JOBS stream, in order. */
  jobEvents(jobId: string): Promise<{ seq: number; subject: string; event: EventEnvelope }[]>;
  messageCount(): Promise<number>;
  close(): Promise<void>;
}

export async function startTestNats(): Promise<TestNats> {
  const server = await startNats();
  const nc = await connectNats({ url: server.url, name: 'gateway-spec' });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  return {
    server,
    nc,
    js,
    jsm,
    async jobEvents(jobId) {
      const out: { seq: number; subject: string; event: EventEnvelope }[] = [];
      for (let seq = 1; ;) {
        const msg = await jsm.direct.getMessage(StreamName.Jobs, { seq, next_by_subj: `job.*.${jobId}` });
        if (!msg) return out;
        out.push({ seq: msg.seq, subject: msg.subject, event: msg.json<EventEnvelope>() });
        seq = msg.seq + 1;
      }
    },
    async messageCount() {
      try {
        return (await jsm.streams.info(StreamName.Jobs)).state.messages;
      } catch {
        return 0;
      }
    },
    async close() {
      await closeNats(nc);
      await server.stop();
    },
  };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Asserts the public error shape; returns the body for further checks. */
export function errorBody(answer: Answer): { status_code: number; error: string; message: string; details?: unknown } {
  const body = answer.json;
  if (!body || typeof body !== 'object') throw new Error(`expected a JSON error body, got ${answer.status}: ${answer.text}`);
  if (body.status_code !== answer.status || typeof body.error !== 'string' || typeof body.message !== 'string') {
    throw new Error(`not the error shape {status_code, error, message}: ${answer.text}`);
  }
  return body;
}
