/**
 * docker-compose.yml: the topology deploy/README.md describes (three NATS nodes, Redis and its
 * replica, every service scaled out), only real settings, and no secret in the file.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseNatsUrl } from '@crux/messaging';
import { composeFile, NATS_NODES, readText, root, SERVICES, type ComposeFile } from './support/deploy-files.js';
import { dockerStackConfig, hasDockerCli } from './support/docker-cli.js';
import { natsPasswordVar, PASSWORD_VARS, unknownEnvNames, urlPasswords } from './support/env-names.js';

const COMPOSE = join(root, 'docker-compose.yml');
const compose = composeFile();
const env = (service: string) => compose.services[service]?.environment ?? {};
const FED: Record<string, string> = Object.fromEntries(PASSWORD_VARS.map((name, i) => [name, `pw${i}x${name.length}`]));
/** `${NAME…}` references in a text. */
const references = (text: string) => [...text.matchAll(/\$\{([A-Z0-9_]+)(:?[?-][^}]*)?\}/g)].map((m) => ({ name: m[1], rest: m[2] ?? '' }));

describe('docker-compose.yml', () => {
  const dockerCli = hasDockerCli();

  it(
    dockerCli
      ? 'is accepted by `docker stack config` (v3 schema) with the passwords set, and refused without one, naming it'
      : 'requires each password with ${VAR:?message} and names no other required variable (no docker CLI here: the v3 schema is not checked)',
    () => {
      const required = references(readText(COMPOSE)).filter((r) => r.rest.startsWith(':?'));
      expect(new Set(required.map((r) => r.name))).toEqual(new Set(PASSWORD_VARS));
      if (!dockerCli) return;
      const ok = dockerStackConfig(COMPOSE, { ...process.env, ...FED });
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      const rendered = parse(ok.stdout) as ComposeFile;
      for (const service of SERVICES) {
        const servers = parseNatsUrl(rendered.services[service].environment!.NATS_URL);
        expect(servers).toEqual({
          servers: NATS_NODES.map((n) => `nats://nats-${n}:4222`),
          user: service,
          pass: FED[natsPasswordVar(service)],
        });
      }
      const { CRUX_NATS_ROUTE_PASSWORD: _, ...withoutRoutePassword } = { ...process.env, ...FED };
      const refused = dockerStackConfig(COMPOSE, withoutRoutePassword);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('CRUX_NATS_ROUTE_PASSWORD');
    },
  );

  it('runs three NATS nodes, each on its own deploy/nats/nats-<n>.conf and volume, with routes to all three', () => {
    for (const n of NATS_NODES) {
      const node = compose.services[`nats-${n}`];
      expect(node.command?.at(-1)).toBe(`/etc/nats/nats-${n}.conf`);
      const configs = Object.fromEntries((node.configs ?? []).map((c) => [c.target, compose.configs[c.source].file]));
      expect(configs).toEqual({
        '/etc/nats/nats-server.conf': './deploy/nats/nats-server.conf',
        [`/etc/nats/nats-${n}.conf`]: `./deploy/nats/nats-${n}.conf`,
      });
      expect(node.volumes).toEqual([`nats-${n}-data:/var/lib/nats`]);
      const routes = node.environment?.CRUX_NATS_ROUTES ?? '';
      const routed = [...routes.matchAll(/nats-route:\/\/crux-route:[^@]+@([a-z0-9-]+):6222/g)].map((m) => m[1]);
      expect(routed).toEqual(NATS_NODES.map((m) => `nats-${m}`));
    }
    for (const { file } of Object.values(compose.configs)) expect(existsSync(join(root, file))).toBe(true);
  });

  it.each(SERVICES)('gives %s NATS_URL with all three nodes under its own user, and CRUX_STREAM_REPLICAS=3', (service) => {
    const { servers, user, pass } = parseNatsUrl(env(service).NATS_URL);
    expect(servers).toEqual(NATS_NODES.map((n) => `nats://nats-${n}:4222`));
    expect(user).toBe(service);
    expect(pass).toMatch(new RegExp(`^\\$\\{${natsPasswordVar(service)}[:}]`));
    expect(env(service).CRUX_STREAM_REPLICAS).toBe('3');
  });

  it('gives the services only real settings (SETTINGS_DOC) or the documented password variables', () => {
    for (const service of SERVICES)
      expect({ service, unknown: unknownEnvNames(Object.keys(env(service))) }).toEqual({ service, unknown: [] });
    const guide = readText(join(root, 'deploy', 'README.md'));
    for (const name of PASSWORD_VARS) expect(guide).toContain(name);
  });

  it('runs two workers, two job-state and two audit replicas, and two gateways', () => {
    const replicas = Object.fromEntries(SERVICES.map((s) => [s, compose.services[s].deploy?.replicas]));
    expect(replicas).toEqual({ gateway: 2, 'job-state': 2, worker: 2, audit: 2 });
  });

  it('writes no secret: every password in a URL or a password variable is taken from the environment', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        for (const password of urlPasswords(value))
          expect({ name, key, password }).toEqual({
            name,
            key,
            password: expect.stringMatching(/^\$\{CRUX_[A-Z_]+_PASSWORD(:\?[^}]*)?\}$/),
          });
        if (/(_PASSWORD|_API_KEY|_SECRET|_TOKEN)$/.test(key))
          expect({ name, key, value }).toEqual({ name, key, value: expect.stringMatching(/^(\$\{[A-Z_]+(:[?-][^}]*)?\})?$/) });
      }
    }
  });

  it('starts each service as `node apps/<service>/dist/main.js` of the image built from the root Dockerfile, gets the keys file to the gateway', () => {
    for (const service of SERVICES) {
      const spec = compose.services[service];
      expect(spec.command).toEqual(['node', `apps/${service}/dist/main.js`]);
      expect(existsSync(join(root, 'apps', service, 'src', 'main.ts'))).toBe(true);
      expect(spec.image).toBe(compose.services.worker.image);
    }
    expect(env('gateway').CRUX_API_KEYS_FILE).toBe('/run/secrets/crux-api-keys');
    expect(compose.services.gateway.secrets).toEqual(['crux-api-keys']);
  });

  it("health-checks every service with the image's check: the gateway on its HTTP port, the others on CRUX_HEALTH_PORT", () => {
    const check = compose.services.gateway.healthcheck?.test;
    expect(check).toEqual(['CMD', 'node', 'deploy/docker/healthcheck.mjs']);
    for (const service of SERVICES)
      expect({ service, test: compose.services[service].healthcheck?.test }).toEqual({ service, test: check });
    for (const service of SERVICES.filter((s) => s !== 'gateway'))
      expect({ service, port: env(service).CRUX_HEALTH_PORT }).toEqual({ service, port: expect.stringMatching(/^[1-9]\d*$/) });
    const script = readText(join(root, 'deploy', 'docker', 'healthcheck.mjs'));
    expect(script).toContain('CRUX_HEALTH_PORT');
    expect(script).toContain('/healthz');
  });

  it('runs Redis as a primary and a replica of it, and job-state on the primary under its ACL user', () => {
    expect(env('redis-replica').CRUX_REDIS_PRIMARY_HOST).toBe('redis-primary');
    expect(env('job-state').REDIS_URL).toMatch(/^redis:\/\/crux-job-state:\$\{CRUX_REDIS_JOB_STATE_PASSWORD[^}]*\}@redis-primary:6379\/0$/);
    const files = Object.values(compose.configs).map((c) => c.file);
    expect(files).toEqual(
      expect.arrayContaining(['./deploy/redis/redis.conf', './deploy/redis/users.acl', './deploy/redis/render-config.sh']),
    );
  });
});
