/**
 * Following an operation the server runs on its own (a purge, a rebuild of the live state)
 * until it ends: its progress is read every CRUX_POLL_MS and drawn as one live progress line
 * (text mode only), a few failed reads in a row are ridden out with a notice, and Ctrl-C
 * stops following while the operation keeps running on the server.
 */
import { isTransientError } from '../errors.js';
import { isAbort } from '../http/send.js';
import type { Io } from '../io.js';
import { pollIntervalMs, sleep } from '../poll.js';
import { LiveLine } from './live-line.js';
import { renderProgressLine, type ProgressLineState } from './progress-bar.js';

/** Reads that may fail in a row (gateway restarting, a blip) before following gives up. */
export const POLL_FAILURES_TOLERATED = 5;

/** What is followed, and how to read and show it. */
export interface FollowedOperation<P> {
  /** Its kind in messages: `purge` gives "could not read the purge's progress", "stopped following purge …". */
  kind: string;
  /** Reads the progress again; `last` is the one read before. */
  read(last: P): Promise<P>;
  finished(progress: P): boolean;
  line(progress: P): ProgressLineState;
  /** An error worth another read besides a transient one (unreachable, 5xx). */
  retryable?(error: unknown): boolean;
  /** Said after "stopped following " on Ctrl-C: which one, and where it keeps running. */
  stillRunning(progress: P): string;
}

export interface FollowOptions {
  io: Io;
  /** Draw the progress line and its notices (not when stdout carries JSON). */
  draw: boolean;
}

/** Polls until `operation` finishes, answering its last progress; 'interrupted' after Ctrl-C. */
export async function followProgress<P>(options: FollowOptions, operation: FollowedOperation<P>, first: P): Promise<P | 'interrupted'> {
  const { io } = options;
  const live = options.draw ? new LiveLine(io.stdout, io.stderr) : undefined;
  const style = io.stdout.isTTY ? 'unicode' : 'ascii';
  const draw = (p: P) => live?.update(renderProgressLine(operation.line(p), { columns: io.stdout.columns, style }));
  const interval = pollIntervalMs(io.env);
  const aborter = new AbortController();
  const stopListening = io.onInterrupt(() => aborter.abort());
  let progress = first;
  let failures = 0;
  try {
    draw(progress);
    while (!operation.finished(progress)) {
      await sleep(interval, aborter.signal);
      try {
        progress = await operation.read(progress);
        failures = 0;
      } catch (error) {
        const retry = isTransientError(error) || operation.retryable?.(error) === true;
        if (!retry || ++failures >= POLL_FAILURES_TOLERATED) throw error;
        live?.notice(`crux: could not read the ${operation.kind}'s progress (${(error as Error).message}); retrying`);
        continue;
      }
      draw(progress);
    }
  } catch (error) {
    live?.finish();
    if (!aborter.signal.aborted && !isAbort(error)) throw error;
    io.stderr.write(`crux: stopped following ${operation.kind} ${operation.stillRunning(progress)}\n`);
    return 'interrupted';
  } finally {
    stopListening();
  }
  live?.finish();
  return progress;
}
