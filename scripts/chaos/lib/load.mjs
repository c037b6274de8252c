/**
 * A steady, bounded load of what users and operators do: submits (one in LONG_EVERY a long
 * job that is cancelled at once), and every PURGE_EVERY_MS a purge of a few completed jobs.
 * It keeps the client's view of every answer, which the report checks against the system.
 */
import { call, KEYS } from './client.mjs';

const LANES = 3;
const LONG_EVERY = 8;
const PURGE_EVERY_MS = 6_000;
const PURGE_SIZE = 4;
/** Pause of each lane between submits: a steady rate, not a flood, on a shared 2-core machine. */
const PAUSE_MS = 60;

export class Load {
  /** @param {import('@crux/test-harness').CruxSystem} system @param {number} maxSubmits */
  constructor(system, maxSubmits) {
    this.system = system;
    this.maxSubmits = maxSubmits;
    this.stopped = false;
    this.attempted = 0;
    /** Job ids the gateway answered 202 for. */
    this.accepted = [];
    /** Submits that got no 202 however long the client retried (not accepted: never a loss). */
    this.refused = 0;
    /** Cancels answered 202, or 409 already cancelled after a retry (the trail must hold one `cancel` record each). */
    this.cancelled = [];
    /** Cancels the client had to send more than once (a network error or a 5xx first). */
    this.cancelsRetried = 0;
    /** Cancels answered 409: the job had already ended. */
    this.cancelTooLate = 0;
    /** Jobs in confirmed purge plans that the purge reports deleted, by plan. */
    this.purges = [];
    /** Every try of each cancel and purge request, by job id: what the client did, for the report. */
    this.attempts = new Map();
    this.running = [];
  }

  start() {
    for (let i = 0; i < LANES; i++) this.running.push(this.lane());
    this.running.push(this.purger());
  }

  async stop() {
    this.stopped = true;
    await Promise.all(this.running);
  }

  async lane() {
    while (!this.stopped && this.attempted < this.maxSubmits) {
      const n = this.attempted++;
      const long = n % LONG_EVERY === 0;
      const answer = await call(this.system, '/api/v1/solve/basic', {
        method: 'POST',
        body: { question: `chaos job ${n}`, n_iters: long ? 40 : 1 + (n % 3) },
      });
      if (answer?.status !== 202) {
        this.refused++;
        continue;
      }
      const id = answer.body.job_id;
      this.accepted.push(id);
      if (long) {
        const attempts = this.noteFor([id]);
        const cancel = await call(this.system, `/api/v1/jobs/${id}`, { method: 'DELETE', body: { reason: 'chaos cancel' }, attempts });
        if (attempts.length > 1) this.cancelsRetried++;
        // Nobody else cancels it: "already cancelled" means an earlier try of this request
        // landed (its answer was lost), so the trail owes it one `cancel` record all the same.
        if (cancel?.status === 202 || (cancel?.status === 409 && / is already cancelled$/.test(cancel.body?.message ?? '')))
          this.cancelled.push(id);
        else if (cancel?.status === 409) this.cancelTooLate++;
      }
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }

  /** One list of tries shared by the jobs a request is about. */
  noteFor(ids) {
    const attempts = [];
    for (const id of ids) this.attempts.set(id, [...(this.attempts.get(id) ?? []), attempts]);
    return attempts;
  }

  async purger() {
    while (!this.stopped) {
      await new Promise((resolve) => setTimeout(resolve, PURGE_EVERY_MS));
      if (this.stopped) return;
      // Jobs submitted a while ago and not cancelled: completed by now, most of them.
      const candidates = this.accepted
        .slice(0, -30)
        .filter((id) => !this.cancelled.includes(id) && !this.purges.some((p) => p.ids.includes(id)));
      const ids = candidates.slice(-PURGE_SIZE);
      if (ids.length === 0) continue;
      const attempts = this.noteFor(ids);
      const plan = await call(this.system, '/api/v1/admin/purges', {
        key: KEYS.ops,
        method: 'POST',
        body: { job_ids: ids, status: ['completed'], reason: 'chaos purge' },
        attempts,
      });
      if (plan?.status !== 201) continue;
      const confirm = await call(this.system, `/api/v1/admin/purges/${plan.body.plan_id}/confirm`, {
        key: KEYS.ops,
        method: 'POST',
        body: { confirm_token: plan.body.confirm_token },
        attempts,
      });
      if (confirm?.status === 202) this.purges.push({ planId: plan.body.plan_id, ids });
    }
  }
}
