/**
 * Names each duplicate the report counts precisely enough to find its cause: for a repeated
 * trail record, every record of that job and action (sequence, source event id, actor,
 * reason, times, details); for every such job, its whole history in JOBS (sequence, subject,
 * Nats-Msg-Id, event id, causation, actor, times); what the client did about it (each try
 * of its cancel or purge requests); and the services' log lines that mention it.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { StreamName, Subjects } from '@crux/contracts';
import { closeNats, connectNats } from '@crux/messaging';

const MAX_LOG_LINES = 30;

/** The job's every event in JOBS, in stream order. */
async function history(jsm, jobId) {
  const events = [];
  for (let seq = 1; ;) {
    const msg = await jsm.direct.getMessage(StreamName.Jobs, { seq, next_by_subj: Subjects.jobHistory(jobId) }).catch(() => null);
    if (!msg) return events;
    let event = null;
    try {
      event = msg.json();
    } catch {
      // shown as unreadable below
    }
    events.push({
      seq: msg.seq,
      subject: msg.subject,
      msgId: msg.header?.get('Nats-Msg-Id') ?? '',
      storedAt: msg.time.toISOString(),
      event,
    });
    seq = msg.seq + 1;
  }
}

const actorOf = (actor) => (actor ? `${actor.kind}:${actor.id}` : '?');

function recordLine(r) {
  return (
    `    trail #${r.sequence ?? '?'} ${r.action} source_event_id=${r.source_event_id} actor=${actorOf(r.actor)} reason=${JSON.stringify(r.reason)}` +
    ` occurred_at=${r.occurred_at} recorded_at=${r.recorded_at} details=${JSON.stringify(r.details)}`
  );
}

function eventLine(e, sources) {
  const ev = e.event;
  const mark = ev && sources.has(ev.id) ? ' ◀ recorded' : '';
  const what = ev
    ? `id=${ev.id} causation=${ev.causation_id ?? '-'} actor=${actorOf(ev.actor)} occurred_at=${ev.occurred_at} data=${JSON.stringify(brief(ev.data))}`
    : 'unreadable';
  return `    JOBS #${e.seq} ${e.subject} Nats-Msg-Id=${e.msgId} stored=${e.storedAt} ${what}${mark}`;
}

/** An event's data without snapshots, results or requests: enough to tell facts apart. */
function brief(data) {
  if (!data || typeof data !== 'object') return data;
  const out = {};
  for (const [k, v] of Object.entries(data)) {
    if (k === 'snapshot') out.snapshot = v ? { status: v.status, version: v.version } : null;
    else if (v === null || typeof v !== 'object') out[k] = v;
  }
  return out;
}

/**
 * @param {import('@crux/test-harness').CruxSystem} system
 * @param {{ duplicatedRecords: string[], duplicatedTerminal: string[] }} result
 * @param {any[]} trail every record of GET /audit
 * @param {import('./load.mjs').Load} load
 * @returns {Promise<string>} nothing when there is no duplicate
 */
export async function describeDuplicates(system, result, trail, load) {
  const jobs = [...new Set([...result.duplicatedRecords, ...result.duplicatedTerminal])];
  if (jobs.length === 0) return '';
  const nc = await connectNats({ url: system.natsUrl, name: 'chaos-duplicates' });
  const logLines = [...system.processes].flatMap(([label, proc]) =>
    proc
      .log()
      .split('\n')
      .map((line) => `[${label}] ${line}`),
  );
  const lines = [];
  try {
    const jsm = await jetstreamManager(nc);
    for (const jobId of jobs) {
      lines.push(`duplicate: job ${jobId}`);
      const records = trail.filter((r) => r.job_id === jobId);
      const repeated = ['cancel', 'deleted'].filter((action) => records.filter((r) => r.action === action).length > 1);
      for (const action of repeated) {
        const of = records.filter((r) => r.action === action);
        lines.push(`  ${of.length} '${action}' records:`, ...of.map(recordLine));
      }
      const others = records.filter((r) => !repeated.includes(r.action));
      if (others.length) lines.push('  its other trail records:', ...others.map(recordLine));
      const events = await history(jsm, jobId);
      const sources = new Set(records.map((r) => r.source_event_id));
      lines.push(`  its ${events.length} events in JOBS:`, ...events.map((e) => eventLine(e, sources)));
      const plans = new Set(events.map((e) => e.event?.data?.plan_id).filter(Boolean));
      for (const planId of plans) {
        const planRecords = trail.filter((r) => r.job_id === planId);
        if (planRecords.length) lines.push(`  trail records of purge plan ${planId}:`, ...planRecords.map(recordLine));
      }
      const tries = load.attempts.get(jobId) ?? [];
      if (tries.length) lines.push("  the client's requests about it:", ...tries.flat().map((t) => `    ${t}`));
      const mentions = logLines.filter((l) => l.includes(jobId) || [...plans].some((p) => l.includes(p)));
      if (mentions.length)
        lines.push(`  service log lines naming it (last ${MAX_LOG_LINES}):`, ...mentions.slice(-MAX_LOG_LINES).map((l) => `    ${l}`));
    }
  } finally {
    await closeNats(nc);
  }
  return lines.join('\n');
}
