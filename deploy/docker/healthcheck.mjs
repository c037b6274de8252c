// Docker HEALTHCHECK of the Crux image (liveness). One image runs every service: the gateway
// answers /healthz on CRUX_HTTP_PORT; worker, job-state and audit on CRUX_HEALTH_PORT when it
// is set (compose and deploy/k8s set it). A service started without one has no port to ask:
// PID 1 running is then the answer (a service that cannot work exits, and the restart policy
// takes over).
import { readFileSync } from 'node:fs';

const command = readFileSync('/proc/1/cmdline', 'utf8').split('\0').join(' ');
const healthPort = process.env.CRUX_HEALTH_PORT?.trim();
const port = command.includes('apps/gateway/') ? process.env.CRUX_HTTP_PORT?.trim() || '8000' : healthPort;
if (!port) process.exit(0);

try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
