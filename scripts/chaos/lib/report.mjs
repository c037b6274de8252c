/**
 * What the chaos run found, measured against what the client was told. The counts, exactly:
 *
 * - submitted: submits the gateway answered 202 (accepted). Submits that never got a 202
 *   however long the client retried are "refused": the client knows, so never a loss.
 * - completed / cancelled / failed / deleted: accepted jobs by what GET /jobs/{id} answers
 *   after the drain (200 with that status; 410 Gone is deleted).
 * - lost: accepted jobs that GET answers 404 for and that the trail never mentions, plus trail
 *   records missing: a cancel answered 202 without its `cancel` record, or a job GET calls
 *   deleted (410) without a `deleted` record.
 * - duplicated: jobs with more than one terminal event (`completed` or `failed`) in JOBS, plus
 *   jobs with more than one `cancel` record or more than one `deleted` record in the trail
 *   (each job is cancelled and deleted at most once in this run, and nothing is restored).
 * - stuck: accepted jobs still pending or running when the drain period (60 s after the load
 *   stops) is over, or that GET could not answer at all by then.
 * - failed that never ran: accepted jobs with a `failed` event in JOBS and no `started` event
 *   (a job that no worker started cannot have lost its worker: an outage must delay it).
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { StreamName, Subjects } from '@crux/contracts';
import { closeNats, connectNats } from '@crux/messaging';
import { call, KEYS } from './client.mjs';

const DRAIN_MS = 60_000;

/** How many `job.<type>.<id>` events each job has in JOBS. */
async function eventCounts(natsUrl, type) {
  const nc = await connectNats({ url: natsUrl, name: 'chaos-report' });
  try {
    const jsm = await jetstreamManager(nc);
    const counts = new Map();
    for (let seq = 1; ;) {
      const msg = await jsm.direct.getMessage(StreamName.Jobs, { seq, next_by_subj: Subjects.eventsOfType(type) }).catch(() => null);
      if (!msg) return counts;
      const id = msg.subject.split('.').pop();
      counts.set(id, (counts.get(id) ?? 0) + 1);
      seq = msg.seq + 1;
    }
  } finally {
    await closeNats(nc);
  }
}

async function wholeTrail(system) {
  const records = [];
  let cursor = null;
  do {
    const page = await call(system, `/api/v1/audit?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      key: KEYS.auditor,
    });
    if (page?.status !== 200) throw new Error(`GET /audit answered ${page?.status ?? 'nothing'}`);
    records.push(...page.body.records);
    cursor = page.body.next_cursor;
  } while (cursor);
  return records;
}

/** Every accepted job's answer from GET, once none is pending or running, or the drain period is over. */
async function drain(system, ids) {
  const deadline = Date.now() + DRAIN_MS;
  for (;;) {
    const answers = new Map();
    for (const id of ids) {
      const r = await call(system, `/api/v1/jobs/${id}`, { key: KEYS.ops, patienceMs: 10_000 });
      answers.set(id, r?.status === 200 ? r.body.status : r?.status === 410 ? 'deleted' : r?.status === 404 ? 'unknown' : 'no answer');
    }
    const active = [...answers.values()].filter((s) => s === 'pending' || s === 'running').length;
    if (active === 0 || Date.now() > deadline) return answers;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** @param {import('@crux/test-harness').CruxSystem} system @param {import('./load.mjs').Load} load */
export async function measure(system, load) {
  const answers = await drain(system, load.accepted);
  const byStatus = (s) => load.accepted.filter((id) => answers.get(id) === s);
  const [completedEvents, failedEvents, startedEvents, trail, verify] = await Promise.all([
    eventCounts(system.natsUrl, 'completed'),
    eventCounts(system.natsUrl, 'failed'),
    eventCounts(system.natsUrl, 'started'),
    wholeTrail(system),
    call(system, '/api/v1/audit/verify', { key: KEYS.auditor }),
  ]);
  const recordsOf = (action, id) => trail.filter((r) => r.action === action && r.job_id === id).length;
  const inTrail = new Set(trail.map((r) => r.job_id));

  const deleted = byStatus('deleted');
  const expectedRecords = load.cancelled.length + deleted.length;
  const foundRecords =
    load.cancelled.filter((id) => recordsOf('cancel', id) >= 1).length + deleted.filter((id) => recordsOf('deleted', id) >= 1).length;
  const lostJobs = byStatus('unknown').filter((id) => !inTrail.has(id));
  const lostRecords = expectedRecords - foundRecords;
  const duplicatedTerminal = load.accepted.filter((id) => (completedEvents.get(id) ?? 0) + (failedEvents.get(id) ?? 0) > 1);
  const duplicatedRecords = load.accepted.filter((id) => recordsOf('cancel', id) > 1 || recordsOf('deleted', id) > 1);
  const stuck = load.accepted.filter((id) => ['pending', 'running', 'no answer'].includes(answers.get(id)));
  const failedNeverRan = load.accepted.filter((id) => (failedEvents.get(id) ?? 0) > 0 && !startedEvents.has(id));
  return {
    submitted: load.accepted.length,
    refused: load.refused,
    completed: byStatus('completed').length,
    cancelled: byStatus('cancelled').length,
    failed: byStatus('failed').length,
    deleted: deleted.length,
    cancelsAccepted: load.cancelled.length,
    cancelsTooLate: load.cancelTooLate,
    cancelsRetried: load.cancelsRetried,
    purgePlans: load.purges.length,
    expectedRecords,
    foundRecords,
    lost: lostJobs.length + lostRecords,
    lostJobs,
    duplicated: duplicatedTerminal.length + duplicatedRecords.length,
    duplicatedTerminal,
    duplicatedRecords,
    stuck: stuck.length,
    stuckIds: stuck,
    failedNeverRan,
    verify: verify?.body ?? null,
    /** Every trail record, for naming the duplicates. */
    trail,
  };
}

const row = (name, value) => `| ${name} | ${value} |`;

/** The run's table (Markdown, so it can go into RELIABILITY.md as printed). */
export function table(result, recoveries, rebuild) {
  const lines = [
    '| measure | value |',
    '|---|---|',
    row('jobs submitted (202)', `${result.submitted} (${result.refused} submits refused after retries)`),
    row('completed', result.completed),
    row(
      'cancelled',
      `${result.cancelled} (cancels accepted ${result.cancelsAccepted}, ${result.cancelsTooLate} too late: job already ended; ${result.cancelsRetried} cancel requests sent more than once after a 5xx or network error)`,
    ),
    row('failed', result.failed),
    row('deleted (purged)', `${result.deleted} in ${result.purgePlans} confirmed plans`),
    row('trail records expected / found', `${result.expectedRecords} / ${result.foundRecords}`),
    row('**lost** (goal 0)', result.lost),
    row('**duplicated** (goal 0)', result.duplicated),
    row('**stuck non-terminal** (goal 0)', result.stuck),
    row('**failed that never ran** (goal 0)', result.failedNeverRan.length),
    row('/audit/verify', result.verify ? `ok=${result.verify.ok}, ${result.verify.records_checked} records checked` : 'no answer'),
    row('state rebuild after FLUSHALL', rebuild),
    '',
    '| fault (kill -9, then restart; or SIGSTOP, then SIGCONT) | recovery: fault → a new probe job completed | restarted and ready (or thawed) after |',
    '|---|---|---|',
    ...recoveries.map(
      (r) =>
        `| ${r.fault} | ${r.recoveryMs === null ? 'not within 90 s' : `${(r.recoveryMs / 1000).toFixed(1)} s`} | ${(r.restartMs / 1000).toFixed(1)} s |`,
    ),
  ];
  return lines.join('\n');
}
