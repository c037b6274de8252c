/**
 * What the Celery baseline's processes say, read without Celery: the client's answer lines
 * (baselines/celery_client.py) and the task states its Redis result backend stores and
 * publishes on `celery-task-meta-<id>`. Pure, so it is tested without a broker.
 */

/**
 * One line the Celery client prints: `ready`, `<command> <id> <before ms> <after ms>` or
 * `error <command> <id> <message…>`.
 * @param {string} line
 * @returns {{ kind: 'ready' } | { kind: 'done', command: string, id: string, before: number, after: number } | { kind: 'error', command: string, id: string, message: string } | { kind: 'other', line: string }}
 */
export function parseClientLine(line) {
  const parts = line.trim().split(' ');
  if (parts[0] === 'ready') return { kind: 'ready' };
  if (parts[0] === 'error' && parts.length >= 3)
    return { kind: 'error', command: parts[1], id: parts[2], message: parts.slice(3).join(' ') };
  if (parts.length === 4) {
    const before = Number(parts[2]);
    const after = Number(parts[3]);
    if (Number.isFinite(before) && Number.isFinite(after)) return { kind: 'done', command: parts[0], id: parts[1], before, after };
  }
  return { kind: 'other', line };
}

/** The Redis result backend's key (and the channel it publishes each state on) for a task id. */
export const RESULT_KEY_PREFIX = 'celery-task-meta-';

/**
 * A state the Redis result backend stored and published on `celery-task-meta-<id>`: Celery's
 * own record of a task's progress, read without asking anyone.
 * @typedef {object} CeleryState
 * @property {string} id
 * @property {string} status        SUCCESS, FAILURE, STARTED, REVOKED, …
 * @property {number} doneAt        date_done as epoch ms (NaN when absent)
 * @property {number | undefined} pid        STARTED: the pool child running it
 * @property {number | undefined} startedAt  SUCCESS of the bench tasks: when the task body began (epoch ms)
 * @property {string} [error]       FAILURE/REVOKED: what the backend stored as the result
 */

/**
 * @param {string} channel  `celery-task-meta-<id>`
 * @param {string} message  the JSON the backend stored
 * @returns {CeleryState}
 */
export function parseCeleryState(channel, message) {
  const id = channel.startsWith(RESULT_KEY_PREFIX) ? channel.slice(RESULT_KEY_PREFIX.length) : channel;
  /** @type {any} */
  const meta = JSON.parse(message);
  const doneAt = typeof meta.date_done === 'string' ? isoToEpochMs(meta.date_done) : Number.NaN;
  const result = meta.result;
  const object = result !== null && typeof result === 'object' && !Array.isArray(result) ? result : undefined;
  return {
    id: typeof meta.task_id === 'string' ? meta.task_id : id,
    status: String(meta.status),
    doneAt,
    pid: meta.status === 'STARTED' && typeof object?.pid === 'number' ? object.pid : undefined,
    startedAt: typeof object?.metadata?.started_at === 'number' ? object.metadata.started_at : undefined,
    error: meta.status === 'SUCCESS' || meta.status === 'STARTED' ? undefined : JSON.stringify(result),
  };
}

/**
 * Celery's date_done, naive UTC with microseconds (datetime.utcnow().isoformat()), as epoch ms
 * keeping the microseconds (Date.parse alone would drop them).
 * @param {string} iso
 */
export function isoToEpochMs(iso) {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$/.exec(iso);
  if (!m) return Number.NaN;
  const fraction = m[2] ? Number(`0.${m[2]}`) * 1000 : 0;
  return Date.parse(`${m[1]}${m[3] ?? 'Z'}`) + fraction;
}

/**
 * The status of a stored state without decoding all of it (the observer's hot path): the
 * backend writes `status` first; anything else is decoded in full.
 * @param {string} message
 * @returns {string}
 */
export function peekStatus(message) {
  const head = /^\{"status": ?"([A-Z_]+)"/.exec(message);
  if (head) return head[1];
  try {
    return String(JSON.parse(message)?.status);
  } catch {
    return 'UNREADABLE';
  }
}
