/**
 * deploy/k8s: the same topology as docker-compose.yml for Kubernetes — a NATS StatefulSet of
 * three on the deploy/nats files, Redis primary and replica, the services scaled out with
 * liveness and readiness probes on every service — and every password taken from the Secret,
 * never written.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { parseNatsUrl } from '@crux/messaging';
import { deployPath, k8sObjects, kustomization, NATS_NODES, SERVICES, type K8sObject } from './support/deploy-files.js';
import { natsPasswordVar, PASSWORD_VARS, unknownEnvNames, urlPasswords } from './support/env-names.js';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  ports?: Array<{ name: string; containerPort: number }>;
  readinessProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
}
interface Workload extends K8sObject {
  spec: {
    replicas: number;
    serviceName?: string;
    podManagementPolicy?: string;
    template: { spec: { containers: Container[]; volumes?: Array<{ name: string; configMap?: { name: string } }> } };
  };
}

const resources = kustomization('k8s').resources ?? [];
const manifests = resources.filter((r) => r.endsWith('.yaml'));
const objects = manifests.flatMap((file) => k8sObjects(file));
const find = <T extends K8sObject>(kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`deploy/k8s has no ${kind} ${name}`);
  return found as T;
};
const container = (w: Workload) => w.spec.template.spec.containers[0];
const envOf = (w: Workload) => Object.fromEntries((container(w).env ?? []).map((e) => [e.name, e]));
const workloads = () => objects.filter((o): o is Workload => o.kind === 'Deployment' || o.kind === 'StatefulSet');

describe('deploy/k8s', () => {
  it('lists in kustomization.yaml only files that exist, and builds the NATS and Redis ConfigMaps from deploy/nats and deploy/redis', () => {
    for (const resource of resources) expect(existsSync(deployPath('k8s', resource))).toBe(true);
    expect(resources).toEqual(expect.arrayContaining(['../nats', '../redis']));
    for (const folder of ['nats', 'redis']) {
      for (const generator of kustomization(folder).configMapGenerator ?? []) {
        for (const file of generator.files) expect(existsSync(deployPath(folder, file))).toBe(true);
      }
    }
    expect(kustomization('nats').configMapGenerator?.[0].files).toEqual(['nats-server.conf', ...NATS_NODES.map((n) => `nats-${n}.conf`)]);
  });

  it('runs NATS as a StatefulSet of three behind a headless Service, each pod on its own nats-<n>.conf, routed to all three', () => {
    const nats = find<Workload>('StatefulSet', 'crux-nats');
    expect(nats.spec.replicas).toBe(3);
    expect(nats.spec.podManagementPolicy).toBe('Parallel');
    const service = find('Service', nats.spec.serviceName!);
    expect(service.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(container(nats).command?.join(' ')).toContain('/etc/nats/nats-$(( ${HOSTNAME##*-} + 1 )).conf');
    expect(nats.spec.template.spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'crux-nats-config' } });
    const routes = envOf(nats).CRUX_NATS_ROUTES.value ?? '';
    const routed = [...routes.matchAll(/nats-route:\/\/crux-route:\$\(CRUX_NATS_ROUTE_PASSWORD\)@([a-z0-9.-]+):6222/g)].map((m) => m[1]);
    expect(routed).toEqual([0, 1, 2].map((i) => `crux-nats-${i}.crux-nats`));
  });

  it('runs gateway, job-state, worker and audit as Deployments of two, each with NATS_URL for all three pods under its own user and CRUX_STREAM_REPLICAS=3', () => {
    for (const service of SERVICES) {
      const deployment = find<Workload>('Deployment', `crux-${service}`);
      expect({ service, replicas: deployment.spec.replicas }).toEqual({ service, replicas: 2 });
      expect(container(deployment).command).toEqual(['node', `apps/${service}/dist/main.js`]);
      const env = envOf(deployment);
      const { servers, user, pass } = parseNatsUrl(env.NATS_URL.value!);
      expect(servers).toEqual([0, 1, 2].map((i) => `nats://crux-nats-${i}.crux-nats:4222`));
      expect([user, pass]).toEqual([service, `$(${natsPasswordVar(service)})`]);
      expect(env.CRUX_STREAM_REPLICAS.value).toBe('3');
    }
  });

  it('probes the gateway: readiness on /readyz, liveness on /healthz, and serves it through a Service', () => {
    const gateway = find<Workload>('Deployment', 'crux-gateway');
    const { readinessProbe, livenessProbe, ports } = container(gateway);
    expect(readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(ports).toContainEqual({ name: 'http', containerPort: Number(envOf(gateway).CRUX_HTTP_PORT.value) });
    expect(find('Service', 'crux-gateway').spec).toMatchObject({ selector: { 'app.kubernetes.io/name': 'crux-gateway' } });
  });

  it.each(SERVICES.filter((s) => s !== 'gateway'))(
    'probes %s on its health port: readiness on /readyz, liveness on /healthz, the port being CRUX_HEALTH_PORT',
    (service) => {
      const deployment = find<Workload>('Deployment', `crux-${service}`);
      const { readinessProbe, livenessProbe, ports } = container(deployment);
      expect(readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
      expect(livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
      const healthPort = Number(envOf(deployment).CRUX_HEALTH_PORT?.value);
      expect(healthPort).toBeGreaterThan(0);
      expect(ports).toContainEqual({ name: 'health', containerPort: healthPort });
    },
  );

  it('runs Redis as a primary and a replica of it, and job-state on the primary under its ACL user', () => {
    const replica = find<Workload>('StatefulSet', 'crux-redis-replica');
    expect(envOf(replica).CRUX_REDIS_PRIMARY_HOST.value).toBe('crux-redis-primary');
    find('Service', 'crux-redis-primary');
    expect(envOf(find<Workload>('Deployment', 'crux-job-state')).REDIS_URL.value).toBe(
      'redis://crux-job-state:$(CRUX_REDIS_JOB_STATE_PASSWORD)@crux-redis-primary:6379/0',
    );
  });

  it('gives the services only real settings (SETTINGS_DOC) or the documented password variables', () => {
    for (const service of SERVICES) {
      const names = Object.keys(envOf(find<Workload>('Deployment', `crux-${service}`)));
      expect({ service, unknown: unknownEnvNames(names) }).toEqual({ service, unknown: [] });
    }
  });

  it('takes every password from the crux-secrets Secret, whose template holds placeholders only', () => {
    for (const workload of workloads()) {
      const env = envOf(workload);
      for (const variable of Object.values(env)) {
        if (/(_PASSWORD|_API_KEY)$/.test(variable.name))
          expect({ name: variable.name, from: variable.valueFrom?.secretKeyRef?.name }).toEqual({
            name: variable.name,
            from: 'crux-secrets',
          });
        for (const password of urlPasswords(variable.value ?? '')) {
          const name = /^\$\(([A-Z_]+)\)$/.exec(password)?.[1];
          expect({ in: variable.name, password, fromSecret: name ? env[name]?.valueFrom?.secretKeyRef?.name : undefined }).toEqual({
            in: variable.name,
            password,
            fromSecret: 'crux-secrets',
          });
        }
      }
    }
    const [secrets, keys] = k8sObjects('secret.template.yaml') as Array<K8sObject & { stringData: Record<string, string> }>;
    expect(Object.keys(secrets.stringData)).toEqual(expect.arrayContaining([...PASSWORD_VARS]));
    for (const value of Object.values(secrets.stringData)) expect(value).toMatch(/^(REPLACE-ME)?$/);
    expect(keys.stringData['api-keys'].trim()).toMatch(/^# REPLACE-ME/);
    expect(manifests).not.toContain('secret.template.yaml');
  });
});
