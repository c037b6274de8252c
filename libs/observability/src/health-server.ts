/**
 * The health port of a service without an HTTP API (worker, job-state, audit): `GET /healthz`
 * (liveness) and `GET /readyz` (readiness), each 200 `{status: "ok"}` or 503 naming what failed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthCheck, HealthChecks } from './health-checks.js';

export interface HealthServerOptions extends HealthChecks {
  port: number;
  host: string;
  /** A check that has not answered by then fails: a probe must not hang on a stuck server. */
  checkTimeoutMs?: number;
}

export interface HealthServer {
  /** http://host:port (the real port when `port` was 0). */
  url: string;
  close(): Promise<void>;
}

export interface HealthReport {
  status: 'ok' | 'failing';
  checks: Record<string, string>;
}

/** Runs every check at once; each ends as `ok` or its problem. */
export async function runChecks(checks: Record<string, HealthCheck>, timeoutMs = 2000): Promise<HealthReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => withTimeout(checks[name], timeoutMs)));
  const report: HealthReport = { status: 'ok', checks: {} };
  names.forEach((name, i) => {
    report.checks[name] = results[i] ?? 'ok';
    if (results[i] !== null) report.status = 'failing';
  });
  return report;
}

async function withTimeout(check: HealthCheck, timeoutMs: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), late]);
  } catch (error) {
    return `the check failed: ${(error as Error)?.message ?? String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { live, ready, checkTimeoutMs = 2000 } = options;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const checks = path === '/healthz' ? live : path === '/readyz' ? ready : undefined;
    if (!checks)
      return answer(res, 404, {
        status_code: 404,
        error: 'Not Found',
        message: `no ${path} here: this port serves GET /healthz and GET /readyz`,
      });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return answer(res, 405, { status_code: 405, error: 'Method Not Allowed', message: `${path} answers GET only` });
    }
    void runChecks(checks, checkTimeoutMs).then((report) => answer(res, report.status === 'ok' ? 200 : 503, report));
  });
  // A probe port must never keep a stopping service alive.
  server.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Starts the health port when CRUX_HEALTH_PORT is set; otherwise opens nothing. */
export async function serveHealth(
  settings: { healthPort: number | null; httpHost: string },
  checks: HealthChecks,
): Promise<HealthServer | undefined> {
  if (settings.healthPort === null) return undefined;
  return startHealthServer({ port: settings.healthPort, host: settings.httpHost, ...checks });
}
