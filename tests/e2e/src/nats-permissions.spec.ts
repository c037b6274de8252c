/**
 * The shipped deploy/nats/nats-server.conf, on a real nats-server: the four services run a
 * job's whole life (submit → complete → purge) each under its own NATS user, and every
 * forbidden action is refused to the user it is forbidden to. job-state also runs under the
 * shipped Redis ACL user (deploy/redis/users.acl).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { StreamName } from '@crux/contracts';
import { closeNats, connectNats, jetstream, jetstreamManager, type NatsConnection } from '@crux/messaging';
import { CruxSystem, freePort, ManagedProcess, TEST_KEYS, waitFor, workspaceRoot, type ServiceName } from '@crux/test-harness';
import { submit, waitForStatus } from './support/jobs.js';
import { trailOf } from './support/trail.js';

const { alice, ops } = TEST_KEYS;
const USERS: ServiceName[] = ['gateway', 'job-state', 'worker', 'audit'];
const PASSWORDS: Record<ServiceName, string> = {
  gateway: `gw-${randomUUID()}`,
  'job-state': `js-${randomUUID()}`,
  worker: `wk-${randomUUID()}`,
  audit: `au-${randomUUID()}`,
};
const ADMIN_PASSWORD = `admin-${randomUUID()}`;
const REDIS_PASSWORD = `redis-${randomUUID()}`;

/** The job-state user's rule from the shipped ACL file, with the test's password. */
function jobStateAclRule(): string[] {
  const line = readFileSync(join(workspaceRoot(), 'deploy', 'redis', 'users.acl'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('user crux-job-state '));
  if (!line) throw new Error('deploy/redis/users.acl has no crux-job-state user');
  return line
    .split(/\s+/)
    .slice(2)
    .map((token) => (token === '>CHANGE-ME' ? `>${REDIS_PASSWORD}` : token));
}
const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });

/** The shipped configuration with a free port and a temporary store, plus an inspector the test alone uses. */
function testConfig(port: number, storeDir: string): string {
  const shipped = readFileSync(join(workspaceRoot(), 'deploy', 'nats', 'nats-server.conf'), 'utf8');
  const adapted = shipped
    .replace(/^port: 4222$/m, `host: 127.0.0.1\nport: ${port}`)
    .replace('store_dir: "/var/lib/nats"', `store_dir: "${storeDir}"`)
    .replace(/authorization \{\n  users = \[\n/, `authorization {\n  users = [\n    { user: inspector, password: "${ADMIN_PASSWORD}" }\n`);
  if (adapted === shipped || !adapted.includes(storeDir) || !adapted.includes('inspector'))
    throw new Error('the shipped configuration no longer has the expected port, store_dir or users block');
  return adapted;
}

const envName = (user: ServiceName) => `CRUX_NATS_${user.toUpperCase().replace('-', '_')}_PASSWORD`;

describe('the shipped NATS permissions', () => {
  let system: CruxSystem;
  let nats: ManagedProcess;
  let dir: string;
  let port: number;
  let redisAdmin: Redis;
  const conns = new Map<string, NatsConnection>();
  const urlOf = (user: string, password: string) => `nats://${user}:${password}@127.0.0.1:${port}`;

  async function as(user: ServiceName | 'inspector'): Promise<NatsConnection> {
    let nc = conns.get(user);
    if (!nc) {
      nc = await connectNats({
        url: urlOf(user, user === 'inspector' ? ADMIN_PASSWORD : PASSWORDS[user]),
        name: `permissions-spec-${user}`,
      });
      conns.set(user, nc);
    }
    return nc;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crux-nats-perm-'));
    port = await freePort();
    const conf = join(dir, 'nats-server.conf');
    writeFileSync(conf, testConfig(port, join(dir, 'js')));
    const env = {
      ...process.env,
      ...Object.fromEntries(USERS.map((u) => [envName(u), PASSWORDS[u]])),
      CRUX_NATS_SUBSCRIBER_PASSWORD: `sub${randomUUID().replaceAll('-', '')}`,
    };
    nats = new ManagedProcess('nats-permissions', process.env.NATS_SERVER_BIN ?? 'nats-server', ['-c', conf], env);
    nats.start();
    await waitFor(() => nats.log().includes('Server is ready'), {
      what: `nats-server with the shipped config: ${nats.log()}`,
      timeoutMs: 20_000,
    });
    // The harness's own NATS goes unused: every service gets the shipped server, as its own user.
    system = await CruxSystem.start({ services: {}, env: { CRUX_SIMULATED_LATENCY_MS: '5' } });
    // Redis as deploy/README.md says: notifications set by the operator, job-state under its ACL user.
    redisAdmin = new Redis(system.redis.url);
    await redisAdmin.config('SET', 'notify-keyspace-events', 'Exg');
    await redisAdmin.call('ACL', 'SETUSER', 'crux-job-state', ...jobStateAclRule());
    await redisAdmin.call('ACL', 'LOG', 'RESET');
    const redisUrl = new URL(system.redis.url);
    redisUrl.username = 'crux-job-state';
    redisUrl.password = REDIS_PASSWORD;
    for (const name of ['job-state', 'audit', 'worker', 'gateway'] as ServiceName[]) {
      await system.startService(name, 1, {
        NATS_URL: urlOf(name, PASSWORDS[name]),
        ...(name === 'job-state' ? { REDIS_URL: redisUrl.toString() } : {}),
      });
    }
  });

  afterAll(async () => {
    for (const nc of conns.values()) await closeNats(nc);
    redisAdmin?.disconnect();
    await system?.stop();
    await nats?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs jobs through every path with each service under its own user: submit, complete, purge, restore, hold, erase, cancel', async () => {
    const { job_id } = await submit(system, alice, 'basic', { question: 'permissions', n_iters: 1 });
    await waitForStatus(system, alice, job_id, ['completed']);
    const planned = await system.request('/api/v1/admin/purges', ops, post({ job_ids: [job_id], reason: 'permissions spec' }));
    expect(planned.status).toBe(201);
    const plan = (await planned.json()) as { plan_id: string; confirm_token: string };
    expect(
      (await system.request(`/api/v1/admin/purges/${plan.plan_id}/confirm`, ops, post({ confirm_token: plan.confirm_token }))).status,
    ).toBe(202);
    await waitFor(async () => (await system.request(`/api/v1/jobs/${job_id}`, alice)).status === 410, {
      what: 'the purged job to answer 410',
      timeoutMs: 30_000,
    });
    await waitFor(async () => (await trailOf(system, job_id)).some((r) => r.action === 'deleted'), {
      what: 'the deletion in the trail',
      timeoutMs: 30_000,
    });
    // The other operator paths, each through the services' own permissions: restore, hold, release, erase, cancel.
    expect((await system.request(`/api/v1/admin/jobs/${job_id}/restore`, ops, post({ reason: 'permissions spec' }))).status).toBe(200);
    expect(
      (await system.request(`/api/v1/admin/jobs/${job_id}/hold`, ops, { method: 'PUT', body: JSON.stringify({ reason: 'spec' }) })).status,
    ).toBe(200);
    expect((await system.request(`/api/v1/admin/jobs/${job_id}/hold`, ops, { method: 'DELETE' })).status).toBe(200);
    const erasePlan = (await (
      await system.request('/api/v1/admin/purges', ops, post({ job_ids: [job_id], erase: true, reason: 'erase' }))
    ).json()) as { plan_id: string; confirm_token: string };
    expect(
      (await system.request(`/api/v1/admin/purges/${erasePlan.plan_id}/confirm`, ops, post({ confirm_token: erasePlan.confirm_token })))
        .status,
    ).toBe(202);
    await waitFor(async () => (await trailOf(system, job_id)).filter((r) => r.action === 'deleted').length === 2, {
      what: 'the erase in the trail',
      timeoutMs: 30_000,
    });
    // A question the simulated reviewer never passes, so the job runs all 50 rounds (about 0.5 s at
    // 5 ms a call) and is still running when the cancel arrives; one it passes ends in ~20 ms.
    const long = await submit(system, alice, 'basic', { question: 'cancel me', n_iters: 50 });
    const cancelled = await system.request(`/api/v1/jobs/${long.job_id}`, alice, {
      method: 'DELETE',
      body: JSON.stringify({ reason: 'spec' }),
    });
    expect(cancelled.status).toBe(202);
    await waitFor(async () => (await trailOf(system, long.job_id)).some((r) => r.action === 'revoked'), {
      what: 'the revoke in the trail',
      timeoutMs: 30_000,
    });
    const ready = await system.request('/readyz', null);
    expect(ready.status).toBe(200);
    for (const name of USERS) {
      const log = system.service(`${name}-1`).log();
      expect(log).not.toMatch(/Permissions Violation/i);
      expect(log).not.toContain(PASSWORDS[name]);
      expect(log).not.toContain(REDIS_PASSWORD);
    }
    // job-state ran the whole life under its ACL user without one refused command or key.
    expect(await redisAdmin.call('ACL', 'LOG')).toEqual([]);
    expect(await redisAdmin.exists(`job:${job_id}`)).toBe(0);
  });

  /** Publishes through JetStream and expects no PubAck: the server drops what the user may not publish. */
  async function refusedPublish(user: ServiceName, subject: string): Promise<void> {
    const js = jetstream(await as(user));
    await expect(js.publish(subject, JSON.stringify({ forged: true }), { timeout: 2000 })).rejects.toThrow(/permission/i);
    const inspector = await jetstreamManager(await as('inspector'));
    const stream = subject.startsWith('audit.') ? StreamName.Audit : StreamName.Jobs;
    const stored = await inspector.streams.getMessage(stream, { last_by_subj: subject }).catch(() => null);
    expect(stored).toBeNull();
  }

  it('refuses job.deleted to the gateway, and job.created to the worker', async () => {
    await refusedPublish('gateway', `job.deleted.${randomUUID()}`);
    await refusedPublish('worker', `job.created.${randomUUID()}`);
  });

  it.each(['gateway', 'job-state', 'worker'] as ServiceName[])(
    'refuses audit records to %s: only audit appends to the trail',
    async (user) => {
      await refusedPublish(user, `audit.deleted.${randomUUID()}`);
    },
  );

  it.each(USERS)('refuses %s every AUDIT deletion, purge, stream delete and update through the JetStream API', async (user) => {
    const inspector = await jetstreamManager(await as('inspector'));
    const before = (await inspector.streams.info(StreamName.Audit)).state;
    expect(before.messages).toBeGreaterThan(0);
    const jsm = await jetstreamManager(await as(user), { timeout: 2000 });
    const refused = /permission/i;
    await expect(jsm.streams.deleteMessage(StreamName.Audit, before.first_seq)).rejects.toThrow(refused);
    await expect(jsm.streams.purge(StreamName.Audit)).rejects.toThrow(refused);
    await expect(jsm.streams.delete(StreamName.Audit)).rejects.toThrow(refused);
    await expect(jsm.streams.update(StreamName.Audit, { deny_delete: false, deny_purge: false })).rejects.toThrow(refused);
    const after = await inspector.streams.info(StreamName.Audit);
    expect(after.state.messages).toBe(before.messages);
    expect(after.state.first_seq).toBe(before.first_seq);
    expect(after.config.deny_delete && after.config.deny_purge).toBe(true);
  });
});
