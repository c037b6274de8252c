/**
 * Entry point of a pool child (run from the built file by `child_process.fork`). It waits
 * for one job at a time over IPC, solves it, and reports progress, result or error back.
 * It holds no connections: the parent owns NATS, so killing a child loses nothing but the
 * job's computation.
 */
import { FailureReason, loadSettings } from '@crux/contracts/core';
import type { SolveProgress } from '../solving/progress.js';
import { InvalidJobError, ProviderError } from '../solving/provider-error.js';
import { solveJob } from '../solving/solve-job.js';
import { ProgressGate } from './progress-gate.js';
import { IGNORE_SIGTERM_FLAG, type ChildMessage, type ParentMessage } from './protocol.js';

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
/** One for the child's life (one timer, not one per job); a new one only if the interval asked for changes. */
let gate: ProgressGate<SolveProgress> | null = null;

function send(message: ChildMessage): void {
  process.send?.(message);
}

function failureOf(error: unknown): { reason: FailureReason; error: string } {
  if (error instanceof ProviderError) return { reason: FailureReason.Provider, error: error.message };
  if (error instanceof InvalidJobError) return { reason: FailureReason.Error, error: `invalid job: ${error.message}` };
  const message = error instanceof Error ? error.message : String(error);
  return { reason: FailureReason.Error, error: `the solver failed: ${message}` };
}

async function run(message: ParentMessage): Promise<void> {
  const jobId = message.spec.job_id;
  if (busy) {
    send({ type: 'failed', job_id: jobId, reason: FailureReason.Error, error: 'internal: a pool child was given a second job' });
    return;
  }
  busy = true;
  const report = (progress: SolveProgress) => send({ type: 'progress', job_id: jobId, progress });
  // Throttled here rather than only in the worker, so what would not be published never crosses the IPC channel.
  const interval = message.progress_interval_ms;
  const throttle =
    interval === undefined ? null : gate?.intervalMs === interval ? gate : (gate = new ProgressGate<SolveProgress>(interval));
  throttle?.begin(report);
  try {
    const result = await solveJob(message.spec, settings, { onProgress: throttle ? (progress) => throttle.offer(progress) : report });
    throttle?.end();
    send({ type: 'completed', job_id: jobId, result });
  } catch (error) {
    throttle?.end();
    send({ type: 'failed', job_id: jobId, ...failureOf(error) });
  } finally {
    busy = false;
  }
}

process.on('message', (message: ParentMessage) => {
  if (message?.type === 'run') void run(message);
});

send({ type: 'ready', pid: process.pid });
