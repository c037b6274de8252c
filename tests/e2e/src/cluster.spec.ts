/**
 * Crux on a 3-node NATS JetStream cluster (R3 streams) with two replicas of every service:
 * the node leading the JOBS stream is killed with SIGKILL in the middle of a burst of
 * submits and cancels, then restarted. Every accepted job still ends, each with exactly one
 * terminal event, and the trail holds every cancel and purge and verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { StreamName, Subjects, type AuditRecord, type JobEventType } from '@crux/contracts';
import { closeNats, connectNats, type JetStreamManager, type NatsConnection } from '@crux/messaging';
import { CruxSystem, TEST_KEYS, waitFor, type TestKey } from '@crux/test-harness';
import { wholeTrail } from './support/trail.js';

const { alice, ops, auditor } = TEST_KEYS;
const SUBMITS = 60;
/** Of the burst, these are cancelled right after submitting (long jobs, so most are still live). */
const CANCELS = 6;
const PURGED = 5;

const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });

/** Calls the API until it answers one of `accepted` (a client retrying through a failover); 5xx and network errors are retried. */
async function until(system: CruxSystem, path: string, init: RequestInit, key: TestKey = alice, accepted = [200, 201, 202]) {
  return waitFor(
    async () => {
      const response = await system.request(path, key, init).catch(() => null);
      if (!response) return undefined;
      if (accepted.includes(response.status)) return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      if (response.status < 500) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      return undefined;
    },
    { what: `${path} to be accepted`, timeoutMs: 60_000, intervalMs: 200 },
  );
}

/** How many stored `job.<type>.<id>` events each job id has. */
/** Every stored event of one type: job id → the stream sequences it is stored at. */
async function eventSeqs(jsm: JetStreamManager, type: JobEventType): Promise<Map<string, number[]>> {
  const seqs = new Map<string, number[]>();
  for (let seq = 1; ;) {
    const msg = await jsm.direct.getMessage(StreamName.Jobs, { seq, next_by_subj: Subjects.eventsOfType(type) }).catch(() => null);
    if (!msg) return seqs;
    const id = msg.subject.split('.').pop() ?? '';
    seqs.set(id, [...(seqs.get(id) ?? []), msg.seq]);
    seq = msg.seq + 1;
  }
}

/** A job that did not end: what the API says and what `JOBS` holds of it, to tell which step lost it. */
async function whereItStopped(system: CruxSystem, jsm: JetStreamManager, id: string): Promise<string> {
  const stored: string[] = [];
  for (let seq = 1; ;) {
    const msg = await jsm.direct.getMessage(StreamName.Jobs, { seq, next_by_subj: Subjects.jobHistory(id) }).catch(() => null);
    if (!msg) break;
    stored.push(`${msg.subject.split('.')[1]} (seq ${msg.seq})`);
    seq = msg.seq + 1;
  }
  const answer = await system.request(`/api/v1/jobs/${id}`, ops).catch(() => null);
  const status = answer?.status === 200 ? ((await answer.json()) as { status: string }).status : `HTTP ${answer?.status ?? 'no answer'}`;
  return `the API says ${status}; JOBS holds ${stored.join(', ') || 'nothing'} of it`;
}

describe('a 3-node NATS cluster with two of every service', () => {
  let system: CruxSystem;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    system = await CruxSystem.start({
      natsCluster: 3,
      services: { 'job-state': 2, audit: 2, worker: 2, gateway: 2 },
      env: { CRUX_WORKER_CONCURRENCY: '2', CRUX_SIMULATED_LATENCY_MS: '5', CRUX_ACK_WAIT_MS: '5000' },
    });
    nc = await connectNats({ url: system.natsUrl, name: 'cluster-spec' });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await closeNats(nc);
    await system?.stop();
  });

  it('creates JOBS, AUDIT and their consumers with three replicas', async () => {
    for (const stream of [StreamName.Jobs, StreamName.Audit]) {
      const info = await jsm.streams.info(stream);
      expect(info.config.num_replicas).toBe(3);
      expect(info.cluster?.replicas).toHaveLength(2);
    }
    let durables = 0;
    for await (const consumer of jsm.consumers.list(StreamName.Jobs)) {
      // The workers' ordered consumers over cancels and deletions are ephemeral, one replica by design.
      if (!consumer.config.durable_name) continue;
      durables++;
      expect({ name: consumer.name, replicas: consumer.cluster?.replicas?.length }).toEqual({ name: consumer.name, replicas: 2 });
    }
    expect(durables).toBeGreaterThanOrEqual(3);
  });

  it('ends every job of a burst once, with its trail, through a SIGKILL of the node leading JOBS', async () => {
    const cluster = system.natsCluster;
    if (!cluster) throw new Error('no cluster');
    const leader = (await jsm.streams.info(StreamName.Jobs)).cluster?.leader;
    const victim = cluster.nodes.find((_, i) => `n${i + 1}` === leader);
    if (!victim) throw new Error(`no node named ${leader}`);

    const accepted: string[] = [];
    const cancelled: string[] = [];
    const submitOne = async (i: number) => {
      const long = i < CANCELS;
      const { body } = await until(system, '/api/v1/solve/basic', post({ question: `cluster burst ${i}`, n_iters: long ? 40 : 1 }));
      const id = body.job_id as string;
      accepted.push(id);
      if (long) {
        const { status } = await until(system, `/api/v1/jobs/${id}`, { method: 'DELETE' }, alice, [202, 409]);
        if (status === 202) cancelled.push(id);
      }
    };
    // Submits go out a few at a time; the node dies a third of the way in.
    let next = 0;
    const lanes = Array.from({ length: 4 }, async () => {
      while (next < SUBMITS) {
        const i = next++;
        if (i === Math.floor(SUBMITS / 3)) void victim.crash();
        await submitOne(i);
      }
    });
    await Promise.all(lanes);
    await victim.restart();
    await cluster.ready();
    expect(accepted).toHaveLength(SUBMITS);

    const statuses = await Promise.all(
      accepted.map((id) =>
        waitFor(
          async () => {
            const response = await system.request(`/api/v1/jobs/${id}`, alice).catch(() => null);
            const body = response?.status === 200 ? ((await response.json()) as { status: string }) : null;
            return body && ['completed', 'failed', 'cancelled'].includes(body.status) ? body.status : undefined;
          },
          { what: `job ${id} to end`, timeoutMs: 60_000, intervalMs: 250 },
        ).catch(async (error: Error) => {
          throw new Error(`${error.message}\n${await whereItStopped(system, jsm, id)}`, { cause: error });
        }),
      ),
    );
    const expected = accepted.map((id) => (cancelled.includes(id) ? 'cancelled' : 'completed'));
    expect(statuses).toEqual(expected);

    // One outcome per job in the log: never a second completed, never a failed. A cancelled
    // job's run may have finished just as the cancel was stored: its completed can only come
    // after the cancel, which the projection rejected (the job answered cancelled, above).
    const [completed, failed, cancels] = await Promise.all([
      eventSeqs(jsm, 'completed'),
      eventSeqs(jsm, 'failed'),
      eventSeqs(jsm, 'cancel'),
    ]);
    const wrongCompleted = accepted.filter((id) => {
      const outcomes = completed.get(id) ?? [];
      if (!cancelled.includes(id)) return outcomes.length !== 1;
      const cancelSeq = Math.min(...(cancels.get(id) ?? [Infinity]));
      return outcomes.length > 1 || outcomes.some((seq) => seq < cancelSeq);
    });
    expect(wrongCompleted).toEqual([]);
    expect(accepted.filter((id) => failed.has(id))).toEqual([]);

    // A purge after the failover: one archived deletion each, recorded once.
    const purged = accepted.filter((id) => !cancelled.includes(id)).slice(0, PURGED);
    const { body: plan } = await until(system, '/api/v1/admin/purges', post({ job_ids: purged, reason: 'cluster test' }), ops);
    await until(system, `/api/v1/admin/purges/${plan.plan_id as string}/confirm`, post({ confirm_token: plan.confirm_token }), ops);
    await waitFor(
      async () => {
        const response = await system.request(`/api/v1/admin/purges/${plan.plan_id as string}`, ops);
        return response.status === 200 && ((await response.json()) as { status: string }).status === 'completed';
      },
      { what: 'the purge to complete', timeoutMs: 30_000 },
    );

    const recordsOf = (records: AuditRecord[], action: string, ids: string[]) =>
      ids.map((id) => records.filter((r) => r.action === action && r.job_id === id).length);
    const trail = await waitFor(
      async () => {
        const records = await wholeTrail(system);
        const complete =
          recordsOf(records, 'cancel', cancelled).every((n) => n >= 1) && recordsOf(records, 'deleted', purged).every((n) => n >= 1);
        return complete ? records : undefined;
      },
      { what: 'every cancel and deletion in the trail', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(recordsOf(trail, 'cancel', cancelled)).toEqual(cancelled.map(() => 1));
    expect(recordsOf(trail, 'deleted', purged)).toEqual(purged.map(() => 1));
    const verify = await system.request('/api/v1/audit/verify', auditor);
    expect(await verify.json()).toMatchObject({ ok: true, first_bad_sequence: null });
  });
});
