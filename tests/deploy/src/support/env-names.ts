/**
 * The environment variables a deployment may hand a service: Crux's own settings, plus the
 * passwords the deployment splices into NATS_URL and REDIS_URL. Anything else is a typo or a
 * setting that does not exist, which a service would silently ignore.
 */
import { SETTINGS_DOC } from '@crux/contracts';

export const SETTING_NAMES: ReadonlySet<string> = new Set(SETTINGS_DOC.map((s) => s.name));

/** Documented in deploy/README.md; each deployment reads them from its environment or Secret. */
export const PASSWORD_VARS = [
  'CRUX_NATS_GATEWAY_PASSWORD',
  'CRUX_NATS_JOB_STATE_PASSWORD',
  'CRUX_NATS_WORKER_PASSWORD',
  'CRUX_NATS_AUDIT_PASSWORD',
  'CRUX_NATS_SUBSCRIBER_PASSWORD',
  'CRUX_NATS_ROUTE_PASSWORD',
  'CRUX_REDIS_JOB_STATE_PASSWORD',
  'CRUX_REDIS_REPLICA_PASSWORD',
] as const;

/** The NATS password variable of a service's own user. */
export function natsPasswordVar(service: string): string {
  return `CRUX_NATS_${service.toUpperCase().replace('-', '_')}_PASSWORD`;
}

/** Names that are neither a setting nor a documented password. */
export function unknownEnvNames(names: Iterable<string>): string[] {
  const passwords: ReadonlySet<string> = new Set(PASSWORD_VARS);
  return [...names].filter((name) => !SETTING_NAMES.has(name) && !passwords.has(name));
}

/**
 * The password in each `scheme://user:password@host` of a URL list. Deployments must splice
 * it in from the environment (`${VAR…}` in compose, `$(VAR)` in Kubernetes), never write it.
 */
export function urlPasswords(urls: string): string[] {
  return [...urls.matchAll(/[a-z-]+:\/\/[^:/@\s]+:([^@\s]+)@/gi)].map((m) => m[1]);
}
