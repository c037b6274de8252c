/**
 * deploy/redis on a real redis-server: render-config.sh fills in the ACL passwords, the
 * primary loads the shipped ACL file and notification flags, the replica follows it as the
 * replication user, and job-state's user works on the primary and only reads on the replica.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, ManagedProcess, waitFor } from '@crux/test-harness';
import { deployPath } from './support/deploy-files.js';

const PASSWORDS = { CRUX_REDIS_JOB_STATE_PASSWORD: `js${Date.now()}`, CRUX_REDIS_REPLICA_PASSWORD: `rp${Date.now()}` };

function render(out: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync('sh', [deployPath('redis', 'render-config.sh'), out], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  return { status: result.status, stderr: result.stderr };
}

describe('the deploy/redis primary and replica', () => {
  let dir: string;
  const servers: ManagedProcess[] = [];
  const clients: Redis[] = [];
  let primaryPort: number;
  let replicaPort: number;
  const jobState = (port: number) => {
    const client = new Redis({
      port,
      host: '127.0.0.1',
      username: 'crux-job-state',
      password: PASSWORDS.CRUX_REDIS_JOB_STATE_PASSWORD,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crux-deploy-redis-'));
    [primaryPort, replicaPort] = [await freePort(), await freePort()];
    expect(render(join(dir, 'primary'), PASSWORDS)).toEqual({ status: 0, stderr: '' });
    expect(render(join(dir, 'replica'), { ...PASSWORDS, CRUX_REDIS_PRIMARY_HOST: '127.0.0.1' })).toEqual({ status: 0, stderr: '' });
    const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
    // Ports and data directories changed for the test; the replica's `replicaof` points at the test primary's port.
    const primary = new ManagedProcess('redis-primary', bin, [
      join(dir, 'primary', 'redis.conf'),
      '--port',
      String(primaryPort),
      '--bind',
      '127.0.0.1',
      '--dir',
      join(dir, 'primary'),
      '--repl-diskless-sync-delay',
      '0',
    ]);
    const replica = new ManagedProcess('redis-replica', bin, [
      join(dir, 'replica', 'redis.conf'),
      '--port',
      String(replicaPort),
      '--bind',
      '127.0.0.1',
      '--dir',
      join(dir, 'replica'),
      '--replicaof',
      '127.0.0.1',
      String(primaryPort),
    ]);
    servers.push(primary, replica);
    for (const server of servers) server.start();
    for (const server of servers)
      await waitFor(() => server.log().includes('Ready to accept connections'), { what: `${server.label} to start: ${server.log()}` });
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    for (const server of servers) await server.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders the ACL file with the passwords and without a placeholder left, and refuses a password that is not letters and digits', () => {
    const acl = readFileSync(join(dir, 'primary', 'users.acl'), 'utf8');
    expect(acl).toContain(`>${PASSWORDS.CRUX_REDIS_JOB_STATE_PASSWORD} `);
    expect(acl).toContain(`>${PASSWORDS.CRUX_REDIS_REPLICA_PASSWORD} `);
    expect(acl).not.toContain('CHANGE-ME');
    const refused = render(join(dir, 'bad'), { ...PASSWORDS, CRUX_REDIS_REPLICA_PASSWORD: 'a/b&c' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/letters and digits/);
  });

  it('lets job-state write on the primary with the notification flags set, and the replica follows as the replication user', async () => {
    const primary = jobState(primaryPort);
    expect(await primary.call('CONFIG', 'GET', 'notify-keyspace-events')).toEqual([
      'notify-keyspace-events',
      expect.stringMatching(/^(?=.*E)(?=.*x)(?=.*g)/),
    ]);
    await primary.hset('job:deploy-spec', 'status', 'pending');
    const replica = jobState(replicaPort);
    await waitFor(async () => (await replica.hget('job:deploy-spec', 'status')) === 'pending', {
      what: 'the replica to have the job',
      timeoutMs: 15_000,
    });
    await expect(replica.hset('job:deploy-spec', 'status', 'running')).rejects.toThrow(/READONLY/);
  });

  it('refuses the default user, and job-state anything outside its ACL', async () => {
    const anonymous = new Redis({ port: primaryPort, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
    clients.push(anonymous);
    anonymous.on('error', () => undefined); // the refusal is asserted below, not logged
    await expect(anonymous.get('job:deploy-spec')).rejects.toThrow(/NOAUTH|auth/i);
    await expect(jobState(primaryPort).call('FLUSHALL')).rejects.toThrow(/NOPERM/);
  });
});
