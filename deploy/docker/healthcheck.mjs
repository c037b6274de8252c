// Docker HEALTHCHECK of the Crux image. One image runs every service, but only the gateway
// has an HTTP port: in its container, ask /healthz; in any other, PID 1 running is the answer
// (a service that cannot work exits, and the restart policy takes over).
import { readFileSync } from 'node:fs';

const command = readFileSync('/proc/1/cmdline', 'utf8').split('\0').join(' ');
if (!command.includes('apps/gateway/')) process.exit(0);

const port = process.env.CRUX_HTTP_PORT?.trim() || '8000';
try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
