import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { closeNats, connectNats, type NatsConnection } from '@crux/messaging';
import { startNats, type TestServer } from '@crux/test-harness';
import { StateLookups } from '../src/consumer/state-lookups.js';
import { JobStateStub } from './nats-helpers.js';
import { CapturedLog } from './pool-helpers.js';

describe('asking job-state about jobs (real nats-server, a stand-in job-state)', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  const stubs: JobStateStub[] = [];

  function stub(options: { many?: boolean } = {}): JobStateStub {
    const s = new JobStateStub(nc, options);
    stubs.push(s);
    return s;
  }

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'state-lookups-spec' });
  });

  afterEach(async () => {
    for (const s of stubs.splice(0)) s.close();
    await nc.flush();
  });

  afterAll(async () => {
    await closeNats(nc);
    await nats?.stop();
  });

  it('asks about every job looked up in the same turn in one job.state.get_many', async () => {
    const s = stub();
    await nc.flush();
    s.statuses.set('a', 'cancelled');
    s.statuses.set('b', 'pending');
    const lookups = new StateLookups(nc, { timeoutMs: 2000 });
    const answers = await Promise.all([lookups.lookup('a'), lookups.lookup('b'), lookups.lookup('c'), lookups.lookup('a')]);
    expect(answers).toEqual([{ kind: 'found', status: 'cancelled' }, { kind: 'found', status: 'pending' }, { kind: 'not-found' }, { kind: 'found', status: 'cancelled' }]);
    expect(s.askedMany).toEqual([['a', 'b', 'c']]);
    expect(s.asked).toEqual(['a', 'b', 'c']);
  });

  it('asks one job at a time when nobody serves get_many (an older job-state), and tries get_many again only after a while', async () => {
    const old = stub({ many: false });
    await nc.flush();
    old.statuses.set('x', 'completed');
    let now = 1_000_000;
    const log = new CapturedLog();
    const lookups = new StateLookups(nc, { timeoutMs: 2000, singlesForMs: 30_000, logger: log, now: () => now });
    expect(await Promise.all([lookups.lookup('x'), lookups.lookup('y')])).toEqual([{ kind: 'found', status: 'completed' }, { kind: 'not-found' }]);
    expect(old.asked.sort()).toEqual(['x', 'y']);
    expect(log.has(/one job at a time for 30000 ms: nobody serves job\.state\.get_many/)).toBe(true);

    // A job-state that serves get_many joins; the worker keeps to single gets until the while is over.
    old.close();
    const current = stub();
    await nc.flush();
    expect(await lookups.lookup('z')).toEqual({ kind: 'not-found' });
    expect(current.askedMany).toEqual([]);
    expect(current.asked).toEqual(['z']);
    now += 30_000;
    expect(await lookups.lookup('z')).toEqual({ kind: 'not-found' });
    expect(current.askedMany).toEqual([['z']]);
  });

  it('reports every job unavailable when job-state does not answer in time', async () => {
    const s = stub();
    s.silent = true;
    await nc.flush();
    const lookups = new StateLookups(nc, { timeoutMs: 300 });
    const answers = await Promise.all([lookups.lookup('p'), lookups.lookup('q')]);
    expect(answers).toEqual([
      { kind: 'unavailable', detail: expect.any(String) },
      { kind: 'unavailable', detail: expect.any(String) },
    ]);
    expect(s.askedMany).toEqual([['p', 'q']]);
  });
});
