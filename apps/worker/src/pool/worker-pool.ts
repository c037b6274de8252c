/**
 * A pool of pre-started child processes, one job per child at a time, so a job can be
 * revoked by killing exactly its process. A child that dies for any reason is replaced.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { FailureReason } from '@crux/contracts/core';
import type { SolveSpec } from '../solving/solve-spec.js';
import { hardLimitError } from '../solving/time-limits.js';
import { defaultChildPath } from './child-path.js';
import { isChildMessage, type ChildMessage, type ParentMessage } from './protocol.js';
import type { JobOutcome, PoolLogger, RevokeResult, RunHandlers, RunningJob, RunOptions } from './pool-types.js';
import { respawnPlan } from './respawn-policy.js';

export interface WorkerPoolOptions {
  /** Number of children (CRUX_WORKER_CONCURRENCY). */
  size: number;
  /** The built child entry; defaults to dist/pool/child-main.js of this package. */
  childPath?: string;
  /** Extra arguments for every child, e.g. IGNORE_SIGTERM_FLAG in tests. */
  childArgs?: string[];
  /** Environment of the children; defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  /** How long a new child may take to report ready. @defaultValue 30000 */
  startTimeoutMs?: number;
  /**
   * How long to wait for a child to be gone after SIGKILL before sending it again; the wait
   * doubles on every further attempt, up to 10 s. @defaultValue 500
   */
  killConfirmMs?: number;
  /**
   * Sends a signal to a child. Tests replace it to play a kill that does not take; the
   * default signals the child, and SIGKILL also goes to the child's process group (it leads
   * its own), so anything the solver spawned dies with it.
   */
  sendSignal?: (child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL') => void;
  /**
   * How long the replacement of a dead child may wait for the other children being killed to
   * be gone (see respawn-policy.ts); 0 forks every replacement at once. @defaultValue 250
   */
  respawnDeferMaxMs?: number;
  logger?: PoolLogger;
}

interface ActiveJob {
  id: string;
  handlers: RunHandlers;
  resolve: (outcome: JobOutcome) => void;
  /** Set once the job's child is being killed (a revoke or the hard time limit): its later messages are void. */
  revoke?: Promise<RevokeResult>;
  /** The hard time limit's timer, cleared when the job ends. */
  hardLimitTimer?: NodeJS.Timeout;
  /** When the child was given the job: time limits count from here. */
  startedAt: number;
}

interface Slot {
  child: ChildProcess;
  pid: number;
  state: 'starting' | 'idle' | 'busy' | 'exited';
  /** Signalled to die (revoke, time limit, retire, shutdown) and not yet reaped. */
  dying?: boolean;
  job?: ActiveJob;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  ready: Promise<void>;
}

const silentLogger: PoolLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

export class PoolClosedError extends Error {
  constructor() {
    super('the worker pool is closed');
    this.name = 'PoolClosedError';
  }
}

/** `run`'s `mayStart` said no once a child was free: the child went back unused. */
export class RunDeferredError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} was not started: it has to be checked again first`);
    this.name = 'RunDeferredError';
  }
}

/** `run` was called with a signal that was aborted before a child took the job. */
export class RunAbortedError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} was withdrawn before a child took it`);
    this.name = 'RunAbortedError';
  }
}

const MAX_KILL_CONFIRM_MS = 10_000;

function signalChild(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): void {
  if (signal === 'SIGKILL' && child.pid) {
    try {
      process.kill(-child.pid, 'SIGKILL');
      return;
    } catch {
      // The group is gone or was never ours: signal the child itself.
    }
  }
  child.kill(signal);
}

export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly waiters: Array<{ resolve: (slot: Slot) => void; reject: (error: Error) => void }> = [];
  private readonly idleListeners = new Set<() => void>();
  private readonly childPath: string;
  private readonly logger: PoolLogger;
  private closing: Promise<void> | null = null;
  /** Consecutive children that died before becoming ready: slows respawning down. */
  private failedStarts = 0;
  private respawnTimers = new Set<NodeJS.Timeout>();
  /** Replacements waiting for the children being killed to be gone, and the timer that ends their wait. */
  private deferredSpawns = 0;
  private deferTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`pool size must be at least 1, got ${options.size}`);
    this.childPath = options.childPath ?? defaultChildPath();
    this.logger = options.logger ?? silentLogger;
  }

  get size(): number {
    return this.options.size;
  }

  /** Children ready for a job now. */
  get idleCount(): number {
    let n = 0;
    for (const slot of this.slots) if (slot.state === 'idle') n++;
    return n;
  }

  /** Ids of the jobs running now. */
  runningJobs(): string[] {
    return [...this.slots].flatMap((slot) => (slot.state === 'busy' && slot.job ? [slot.job.id] : []));
  }

  pidOf(jobId: string): number | null {
    return this.slotOf(jobId)?.pid ?? null;
  }

  /** Children's pids, busy or not. */
  pids(): number[] {
    return [...this.slots].filter((s) => s.state !== 'exited').map((s) => s.pid);
  }

  /** Calls `listener` whenever a child becomes free; returns the unsubscribe function. */
  onIdle(listener: () => void): () => void {
    this.idleListeners.add(listener);
    return () => this.idleListeners.delete(listener);
  }

  /** Forks every child and waits until all of them are ready. */
  async start(): Promise<void> {
    if (!existsSync(this.childPath)) {
      throw new Error(`worker child entry not found at ${this.childPath}; build the worker first (nx run worker:build)`);
    }
    const slots = Array.from({ length: this.options.size }, () => this.spawn());
    await Promise.all(slots.map((slot) => slot.ready));
  }

  /**
   * Hands a job to the next free child, waiting for one if all are busy. Aborting
   * `options.signal` before a child takes the job withdraws it: the promise rejects with
   * RunAbortedError and no child ever sees the job; so does `options.mayStart` answering
   * false, with RunDeferredError.
   */
  async run(spec: SolveSpec, handlers: RunHandlers = {}, options: RunOptions = {}): Promise<RunningJob> {
    const { signal, mayStart, progressIntervalMs, hardLimit } = options;
    let slot = await this.acquire(signal, spec.job_id);
    // A child can die between being reserved and being given the job.
    while (slot.state === 'exited') slot = await this.acquire(signal, spec.job_id);
    if (signal?.aborted) {
      // Withdrawn while this call was resuming: the reserved child goes back unused.
      this.becameIdle(slot);
      throw new RunAbortedError(spec.job_id);
    }
    if (mayStart && !mayStart()) {
      this.becameIdle(slot);
      throw new RunDeferredError(spec.job_id);
    }
    let settle!: (outcome: JobOutcome) => void;
    const outcome = new Promise<JobOutcome>((r) => (settle = r));
    const job: ActiveJob = {
      id: spec.job_id,
      handlers,
      startedAt: Date.now(),
      resolve: (ended) => {
        clearTimeout(job.hardLimitTimer);
        settle(ended);
      },
    };
    slot.job = job;
    if (hardLimit) job.hardLimitTimer = setTimeout(() => this.enforceHardLimit(slot, job, hardLimit.ms, hardLimit.graceMs), hardLimit.ms);
    handlers.onStart?.(slot.pid);
    const message: ParentMessage =
      progressIntervalMs === undefined ? { type: 'run', spec } : { type: 'run', spec, progress_interval_ms: progressIntervalMs };
    slot.child.send(message, (error) => {
      // The child is dying; its exit reports the job lost.
      if (error) this.logger.warn(`could not hand job ${spec.job_id} to child ${slot.pid}: ${error.message}`);
    });
    return { pid: slot.pid, outcome };
  }

  /**
   * Stops one job by killing its child: SIGTERM at once (before this returns), then SIGKILL
   * if it is still alive after `graceMs`, sent again with backoff for as long as it survives.
   * Resolves once the process is gone (never before); a new child takes its place. Calling
   * it again for the same job returns the same revoke.
   */
  revoke(jobId: string, graceMs: number): Promise<RevokeResult> {
    const slot = this.slotOf(jobId);
    if (!slot?.job) {
      return Promise.resolve({ terminated: false, outcome: 'not-running', signal: null, pid: null, took_ms: 0 });
    }
    return this.stopJob(slot, slot.job, graceMs, `job ${jobId}`, (revoke) => ({ kind: 'revoked', revoke }));
  }

  /**
   * Stops the child `pid` if it is idle: SIGTERM, SIGKILL after `graceMs`, retried like a
   * revoke; resolves once the process is gone, and a new child takes its place. For a child
   * that finished a job whose cancel came first: the revoke still stops the process that ran
   * it. A child that has taken another job is left alone (nothing of the first job runs
   * there): `not-running`; one already gone: `terminated`, `not-running`.
   */
  async retire(pid: number, graceMs: number, why: string): Promise<RevokeResult> {
    const slot = [...this.slots].find((s) => s.pid === pid);
    if (!slot || slot.state === 'exited') return { terminated: true, outcome: 'not-running', signal: null, pid, took_ms: 0 };
    if (slot.state !== 'idle') return { terminated: false, outcome: 'not-running', signal: null, pid, took_ms: 0 };
    // Reserved, so no job is given to it while it dies; its exit brings a new child.
    slot.state = 'busy';
    const { signal, tookMs } = await this.terminate(slot, graceMs, why);
    return { terminated: true, outcome: signal === 'SIGTERM' ? 'terminated' : 'killed', signal, pid, took_ms: tookMs };
  }

  /**
   * The hard time limit ran out: the child is killed on the revoke path, and the job fails
   * with reason `time_limit` once the process is gone. A revoke already under way wins.
   */
  private enforceHardLimit(slot: Slot, job: ActiveJob, limitMs: number, graceMs: number): void {
    if (slot.job !== job || job.revoke) return;
    this.logger.warn(`job ${job.id} ran past its hard time limit of ${limitMs} ms: stopping child ${slot.pid}`);
    void this.stopJob(slot, job, graceMs, `job ${job.id}, hard time limit`, (_result, signal) => ({
      kind: 'failed',
      reason: FailureReason.TimeLimit,
      error: hardLimitError(limitMs, Date.now() - job.startedAt, signal),
    }));
  }

  /** Kills the job's child once (a second call gets the first kill) and ends the job with `ended` once the process is gone. */
  private stopJob(
    slot: Slot,
    job: ActiveJob,
    graceMs: number,
    label: string,
    ended: (result: RevokeResult, signal: 'SIGTERM' | 'SIGKILL') => JobOutcome,
  ): Promise<RevokeResult> {
    job.revoke ??= this.terminate(slot, graceMs, label).then(({ signal, tookMs }) => {
      const result: RevokeResult = {
        terminated: true,
        outcome: signal === 'SIGTERM' ? 'terminated' : 'killed',
        signal,
        pid: slot.pid,
        took_ms: tookMs,
      };
      job.resolve(ended(result, signal));
      return result;
    });
    return job.revoke;
  }

  /** Stops every child (SIGTERM, then SIGKILL after `graceMs`) and spawns no more; safe to call twice. */
  close(graceMs = 2000): Promise<void> {
    this.closing ??= (async () => {
      for (const timer of this.respawnTimers) clearTimeout(timer);
      this.respawnTimers.clear();
      clearTimeout(this.deferTimer);
      this.deferredSpawns = 0;
      for (const waiter of this.waiters.splice(0)) waiter.reject(new PoolClosedError());
      await Promise.all([...this.slots].map((slot) => this.terminate(slot, graceMs, 'pool shutdown')));
    })();
    return this.closing;
  }

  private slotOf(jobId: string): Slot | undefined {
    for (const slot of this.slots) if (slot.state === 'busy' && slot.job?.id === jobId) return slot;
    return undefined;
  }

  /** A child reserved for the caller (state busy, no job yet). */
  private acquire(signal: AbortSignal | undefined, jobId: string): Promise<Slot> {
    if (this.closing) return Promise.reject(new PoolClosedError());
    if (signal?.aborted) return Promise.reject(new RunAbortedError(jobId));
    for (const slot of this.slots) {
      if (slot.state === 'idle') {
        // Reserved now, not when the caller resumes, so two callers never share a child.
        slot.state = 'busy';
        return Promise.resolve(slot);
      }
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new RunAbortedError(jobId));
      };
      const waiter = {
        resolve: (slot: Slot) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(slot);
        },
        reject: (error: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      // A job is waiting: a replacement held back for the kills under way would only keep it waiting.
      this.spawnDeferred();
    });
  }

  private becameIdle(slot: Slot): void {
    slot.state = 'idle';
    slot.job = undefined;
    const waiter = this.waiters.shift();
    if (waiter) {
      // Reserve it for the waiter before anyone else looks.
      slot.state = 'busy';
      waiter.resolve(slot);
      return;
    }
    for (const listener of this.idleListeners) listener();
  }

  /**
   * SIGTERM, SIGKILL after `graceMs`, and SIGKILL again with a growing wait for as long as
   * the process is not gone: a kill that does not take is retried and reported, never
   * assumed. "Gone" is the child's exit event, i.e. the process has been reaped.
   */
  private async terminate(slot: Slot, graceMs: number, why: string): Promise<{ signal: 'SIGTERM' | 'SIGKILL'; tookMs: number }> {
    const started = Date.now();
    if (slot.state === 'exited') return { signal: 'SIGTERM', tookMs: 0 };
    const send = this.options.sendSignal ?? signalChild;
    slot.dying = true;
    send(slot.child, 'SIGTERM');
    if (await this.exitsWithin(slot, graceMs)) return { signal: 'SIGTERM', tookMs: Date.now() - started };
    send(slot.child, 'SIGKILL');
    let wait = this.options.killConfirmMs ?? 500;
    for (let attempt = 2; !(await this.exitsWithin(slot, wait)); attempt++) {
      this.logger.error(
        `REVOKE NOT CONFIRMED: pool child ${slot.pid} (${why}) is still alive ${Date.now() - started} ms after SIGKILL; sending SIGKILL again (attempt ${attempt})`,
      );
      send(slot.child, 'SIGKILL');
      wait = Math.min(wait * 2, MAX_KILL_CONFIRM_MS);
    }
    return { signal: 'SIGKILL', tookMs: Date.now() - started };
  }

  private async exitsWithin(slot: Slot, ms: number): Promise<boolean> {
    if (slot.state === 'exited') return true;
    const ac = new AbortController();
    const exited = await Promise.race([slot.exited.then(() => true), sleep(ms, false, { signal: ac.signal }).catch(() => false)]);
    ac.abort();
    return exited;
  }

  private spawn(): Slot {
    const child = fork(this.childPath, this.options.childArgs ?? [], {
      env: this.options.env ?? process.env,
      // The parent may run under flags (Jest's VM modules, inspectors) a child must not inherit.
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Its own process group: a signal to the worker's group (Ctrl-C, a service manager's
      // SIGTERM) reaches only the worker, which decides when children die. A child still
      // exits when the worker is gone, through its IPC channel closing.
      detached: true,
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let ready!: () => void;
    let notReady!: (error: Error) => void;
    const slot: Slot = {
      child,
      pid: child.pid ?? -1,
      state: 'starting',
      exited,
      ready: new Promise<void>((resolve, reject) => {
        ready = resolve;
        notReady = reject;
      }),
    };
    slot.ready.catch(() => undefined);
    this.slots.add(slot);

    const startTimer = setTimeout(() => {
      if (slot.state !== 'starting') return;
      this.logger.error(`pool child ${slot.pid} did not report ready in time; killing it`);
      child.kill('SIGKILL');
    }, this.options.startTimeoutMs ?? 30_000);

    child.on('message', (message: unknown) => {
      if (isChildMessage(message)) this.onChildMessage(slot, message, ready);
    });
    child.on('error', (error) => this.logger.warn(`pool child ${slot.pid}: ${error.message}`));
    void exited.then(({ code, signal }) => {
      clearTimeout(startTimer);
      const wasStarting = slot.state === 'starting';
      slot.state = 'exited';
      this.slots.delete(slot);
      if (wasStarting)
        notReady(new Error(`pool child ${slot.pid} (${this.childPath}) exited before it was ready (code ${code}, signal ${signal})`));
      const job = slot.job;
      if (job && !job.revoke) {
        if (this.closing) this.logger.log(`stopped pool child ${slot.pid}, which was running job ${job.id}`);
        else this.logger.warn(`pool child ${slot.pid} died under job ${job.id} (code ${code}, signal ${signal})`);
        job.resolve({ kind: 'lost', pid: slot.pid, code, signal });
      }
      slot.job = undefined;
      this.replace(wasStarting);
    });
    return slot;
  }

  private onChildMessage(slot: Slot, message: ChildMessage, ready: () => void): void {
    if (message.type === 'ready') {
      if (slot.state !== 'starting') return;
      this.failedStarts = 0;
      ready();
      this.becameIdle(slot);
      return;
    }
    const job = slot.job;
    if (!job || job.id !== message.job_id) return;
    if (job.revoke) {
      // A revoked job's late words are void: the job was cancelled.
      if (message.type !== 'progress') this.logger.log(`discarded the '${message.type}' child ${slot.pid} sent for revoked job ${job.id}`);
      return;
    }
    switch (message.type) {
      case 'progress':
        job.handlers.onProgress?.(message.progress);
        return;
      case 'completed':
        job.resolve({ kind: 'completed', result: message.result });
        this.becameIdle(slot);
        return;
      case 'failed':
        job.resolve({ kind: 'failed', reason: message.reason, error: message.error });
        this.becameIdle(slot);
        return;
      default: {
        const unknown: never = message;
        this.logger.warn(`pool child ${slot.pid} sent an unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Called once a child is gone (it has left `slots`): forks its replacement now, later, or once the other kills are over. */
  private replace(afterFailedStart: boolean): void {
    if (this.closing) return;
    if (afterFailedStart) this.failedStarts++;
    let othersDying = 0;
    for (const slot of this.slots) if (slot.dying) othersDying++;
    const plan = respawnPlan(
      { failedStarts: this.failedStarts, othersDying, jobsWaiting: this.waiters.length },
      this.options.respawnDeferMaxMs ?? 250,
    );
    if (plan.kind === 'after-kills') {
      this.deferredSpawns++;
      this.deferTimer ??= setTimeout(() => this.spawnDeferred(), plan.maxMs);
      return;
    }
    this.spawnLater(plan.kind === 'backoff' ? plan.ms : 0);
    // This was the last child being killed: the replacements that waited for it go too.
    if (othersDying === 0) this.spawnDeferred();
  }

  private spawnDeferred(): void {
    clearTimeout(this.deferTimer);
    this.deferTimer = undefined;
    for (; this.deferredSpawns > 0; this.deferredSpawns--) this.spawnLater(0);
  }

  private spawnLater(delayMs: number): void {
    const timer = setTimeout(() => {
      this.respawnTimers.delete(timer);
      if (!this.closing) this.spawn();
    }, delayMs);
    this.respawnTimers.add(timer);
  }
}
