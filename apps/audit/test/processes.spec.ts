import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { auditConsumerName, JobEventType, StreamName, verifyChain } from '@crux/contracts';
import { closeNats, connectNats, type NatsConnection } from '@crux/messaging';
import { ManagedProcess, startNats, waitFor, type TestServer } from '@crux/test-harness';
import { deletion } from './support/events.js';
import { TrailAccess } from './support/trail-access.js';
import { VerdictsResponder } from './support/verdicts-responder.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** The built service as a real process, so it can be killed with SIGKILL mid-append. */
function auditProcess(nats: TestServer, label: string): ManagedProcess {
  // NODE_OPTIONS of the Jest run (vm modules) is not for the service.
  return new ManagedProcess(label, process.execPath, [MAIN], { ...process.env, NODE_OPTIONS: '', NATS_URL: nats.url });
}

async function ready(proc: ManagedProcess): Promise<void> {
  if (!proc.running) proc.start();
  await waitFor(
    () => {
      if (!proc.running) throw new Error(`${proc.label} exited:\n${proc.log()}`);
      return proc.log().includes('crux-audit ready');
    },
    { what: `${proc.label} to be ready`, timeoutMs: 30_000 },
  );
}

describe('the built audit service', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  let trail: TrailAccess;
  let verdicts: VerdictsResponder;
  const procs: ManagedProcess[] = [];

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'audit-process-spec' });
    trail = await TrailAccess.open(nc, nats.url);
    // No job-state here: every command counts as applied.
    verdicts = await VerdictsResponder.start(nats.url);
  });

  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });

  afterAll(async () => {
    await verdicts?.stop();
    await trail?.close();
    await closeNats(nc);
    await nats?.stop();
  });

  it('says it is ready once recording, and finishes cleanly on SIGTERM', async () => {
    const proc = auditProcess(nats, 'audit-1');
    procs.push(proc);
    await ready(proc);
    const event = deletion();
    await trail.publish(event);
    await trail.waitRecorded([event.id]);
    await proc.kill('SIGTERM');
    expect(proc.log()).toContain('stopped: requests answered, in-flight records appended, NATS drained');
    expect(proc.log().match(/crux-audit ready/g)).toHaveLength(1);
  });

  it('keeps one linear chain when two replicas record a burst together', async () => {
    const a = auditProcess(nats, 'audit-a');
    const b = auditProcess(nats, 'audit-b');
    procs.push(a, b);
    await Promise.all([ready(a), ready(b)]);
    const before = await trail.count();
    const events = Array.from({ length: 500 }, () => deletion());
    await Promise.all(events.map((e) => trail.publish(e)));
    await trail.waitCount(before + events.length, 60_000);
    await trail.waitSettled(60_000);

    const records = await trail.records();
    expect(records).toHaveLength(before + events.length);
    expect(new Set(records.map((r) => r.source_event_id)).size).toBe(records.length);
    const ids = new Set(records.map((r) => r.source_event_id));
    expect(events.every((e) => ids.has(e.id))).toBe(true);
    expect(verifyChain(records)).toMatchObject({ ok: true, records_checked: records.length });
    // Either replica answers for the whole trail.
    expect(await trail.verify()).toMatchObject({ ok: true, value: { ok: true, records_checked: records.length } });
  }, 120_000);

  it('loses and repeats nothing when killed with SIGKILL in the middle of a burst', async () => {
    const proc = auditProcess(nats, 'audit-k');
    procs.push(proc);
    await ready(proc);
    const before = await trail.count();
    const events = Array.from({ length: 1000 }, () => deletion());
    const publish = async (from: number, to: number) => {
      for (let i = from; i < to; i += 20) await Promise.all(events.slice(i, Math.min(i + 20, to)).map((e) => trail.publish(e)));
    };
    // Only deletions are published here: the audit's consumer of them is the one to watch.
    const jobs = async () => trail.jsm.consumers.info(StreamName.Jobs, auditConsumerName(JobEventType.Deleted));
    const redeliveries = async () => ((c) => c.delivered.consumer_seq - c.delivered.stream_seq)(await jobs());
    const redeliveredBefore = await redeliveries();

    // Recording is under way…
    await publish(0, 300);
    await trail.waitCount(before + 100, 60_000, 5);
    // …when the process freezes holding deliveries it has not acked, and is killed.
    proc.signal('SIGSTOP');
    const publishing = publish(300, 700);
    await waitFor(async () => (await jobs()).num_ack_pending > 0, { what: 'events delivered to the frozen recorder', timeoutMs: 30_000 });
    await proc.kill('SIGKILL');
    await publishing;
    proc.output.length = 0;
    await ready(proc);
    await publish(700, 1000);

    // What the killed process held comes back after the consumer's ack wait (30 s).
    await trail.waitCount(before + events.length, 120_000);
    await trail.waitSettled(120_000);
    const records = await trail.records();
    expect(records).toHaveLength(before + events.length);
    const ids = records.map((r) => r.source_event_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.every((e) => ids.includes(e.id))).toBe(true);
    expect(verifyChain(records)).toMatchObject({ ok: true });
    expect(await trail.verify()).toMatchObject({ ok: true, value: { ok: true, records_checked: records.length } });
    // Deliveries beyond the stream's messages: the killed process's events were redelivered.
    expect(await redeliveries()).toBeGreaterThan(redeliveredBefore);
  }, 240_000);
});
