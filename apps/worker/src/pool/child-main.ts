/**
 * Entry point of a pool child (run from the built file by `child_process.fork`). It solves
 * one job at a time and reports progress, result or error back over IPC; it may hold one
 * more job queued, which it starts in the same turn as it sends the outcome of the one before
 * (no wait for the parent to answer), unless the parent takes it back first (`unqueue`).
 * It holds no connections: the parent owns NATS, so killing a child loses nothing but the
 * job's computation.
 */
import { FailureReason, loadSettings } from '@crux/contracts/core';
import { ProgressThrottle } from '../consumer/progress-throttle.js';
import type { SolveProgress } from '../solving/progress.js';
import { InvalidJobError, ProviderError } from '../solving/provider-error.js';
import { solveJob } from '../solving/solve-job.js';
import { IGNORE_SIGTERM_FLAG, type ChildMessage, type ParentMessage, type RunMessage } from './protocol.js';

if (!process.send) {
  console.error('crux-worker child: must be started by the worker pool (no IPC channel)');
  process.exit(2);
}

if (process.argv.includes(IGNORE_SIGTERM_FLAG)) {
  process.on('SIGTERM', () => undefined);
}

// An orphan must not keep computing: when the parent goes away, so does the child.
process.on('disconnect', () => process.exit(0));

const settings = loadSettings(process.env);
let busy = false;
/** The job to start once the running one ends. */
let queued: RunMessage | null = null;

function send(message: ChildMessage): void {
  process.send?.(message);
}

function failureOf(error: unknown): { reason: FailureReason; error: string } {
  if (error instanceof ProviderError) return { reason: FailureReason.Provider, error: error.message };
  if (error instanceof InvalidJobError) return { reason: FailureReason.Error, error: `invalid job: ${error.message}` };
  const message = error instanceof Error ? error.message : String(error);
  return { reason: FailureReason.Error, error: `the solver failed: ${message}` };
}

function take(message: RunMessage): void {
  if (!busy) {
    void run(message);
    return;
  }
  if (queued) {
    send({
      type: 'failed',
      job_id: message.spec.job_id,
      reason: FailureReason.Error,
      error: 'internal: a pool child was given a third job',
    });
    return;
  }
  queued = message;
}

function unqueue(jobId: string): void {
  // A job already started is not queued any more: the parent learns it started from the outcome sent before.
  if (queued?.spec.job_id !== jobId) return;
  queued = null;
  send({ type: 'unqueued', job_id: jobId });
}

async function run(message: RunMessage): Promise<void> {
  const jobId = message.spec.job_id;
  busy = true;
  const report = (progress: SolveProgress) => send({ type: 'progress', job_id: jobId, progress });
  // Throttled here rather than only in the worker, so what would not be published never crosses the IPC channel.
  const interval = message.progress_interval_ms;
  const throttle = interval === undefined ? null : new ProgressThrottle<SolveProgress>(interval, report);
  try {
    const result = await solveJob(message.spec, settings, { onProgress: throttle ? (progress) => throttle.offer(progress) : report });
    throttle?.cancel();
    send({ type: 'completed', job_id: jobId, result });
  } catch (error) {
    throttle?.cancel();
    send({ type: 'failed', job_id: jobId, ...failureOf(error) });
  } finally {
    busy = false;
    // Started in the same turn as the outcome above was sent: no `unqueue` can come in between.
    const next = queued;
    queued = null;
    if (next) void run(next);
  }
}

process.on('message', (message: ParentMessage) => {
  if (message?.type === 'run') take(message);
  else if (message?.type === 'unqueue') unqueue(message.job_id);
});

send({ type: 'ready', pid: process.pid });
