import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Subjects, verifyChain } from '@crux/contracts';
import { waitFor } from '@crux/test-harness';
import { deletion } from './support/events.js';
import { startAuditRig, type AuditRig } from './support/audit-rig.js';

describe('asking for verdicts one batch ahead', () => {
  let rig: AuditRig;

  beforeAll(async () => {
    rig = await startAuditRig();
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("asks for the next batch's verdicts while the batch before waits for its own, and records both in stream order", async () => {
    // Every verdicts request as sent (a copy: the responder answers in its queue group).
    const asked: string[] = [];
    const tap = rig.nc.subscribe(Subjects.stateVerdicts, {
      callback: (_err, msg) => {
        asked.push(msg.string());
      },
    });
    try {
      const first = deletion();
      const second = deletion();
      rig.verdicts.paused = true;
      await rig.trail.publish(first);
      await waitFor(() => asked.some((request) => request.includes(first.id)), {
        what: "the first batch's verdicts to be asked for",
        timeoutMs: 30_000,
      });
      // The first batch is taken and cannot be appended yet: the second event makes a batch of its own.
      await rig.trail.publish(second);
      await waitFor(() => asked.some((request) => request.includes(second.id) && !request.includes(first.id)), {
        what: "the second batch's verdicts to be asked for before the first batch is appended",
        timeoutMs: 30_000,
      });
      expect(await rig.trail.recordsOf(first.id)).toEqual([]);

      rig.verdicts.paused = false;
      const records = await rig.trail.waitRecorded([first.id, second.id]);
      const position = (id: string) => records.findIndex((r) => r.source_event_id === id);
      expect(position(first.id)).toBeLessThan(position(second.id));
      expect(verifyChain(records).ok).toBe(true);
    } finally {
      tap.unsubscribe();
      rig.verdicts.paused = false;
    }
  });

  it('in a backlog, asks for the verdicts of several full batches at once while job-state is slow to answer', async () => {
    const events = Array.from({ length: 3000 }, () => deletion());
    const before = await rig.trail.count();
    try {
      // A backlog: everything is in JOBS before the recorder starts, so after the first it takes full batches.
      await rig.stopApp();
      for (const event of events) await rig.trail.publish(event);
      rig.verdicts.delayMs = 1000;
      rig.verdicts.maxOutstanding = 0;
      await rig.startApp();
      await rig.trail.waitCount(before + events.length, 60_000);
      // One batch at a time would leave at most two questions open (the batch appending and the next).
      expect(rig.verdicts.maxOutstanding).toBeGreaterThanOrEqual(3);
      const records = await rig.trail.records();
      expect(records.slice(before).map((r) => r.source_event_id)).toEqual(events.map((e) => e.id));
      expect(verifyChain(records).ok).toBe(true);
    } finally {
      rig.verdicts.delayMs = 0;
    }
  });
});
