/**
 * Which busy child a waiting job is queued on, and how many queued jobs to take back for
 * children that are free. Pure, so the choices are tested without child processes.
 */

/** What the pool knows of one child when it looks for a place to queue a job. */
export interface ChildView {
  /** Running a job it may still finish: not being killed, its job not being stopped. */
  runningLive: boolean;
  /** Holds a queued job already. */
  hasQueued: boolean;
  /** When its running job started. */
  startedAt: number;
}

/**
 * The index of the child to queue the next job on, or -1: one running a job it will finish
 * and holding none queued, the one whose job started first (the likeliest to end first).
 */
export function queueHost(children: readonly ChildView[]): number {
  let best = -1;
  children.forEach((child, i) => {
    if (!child.runningLive || child.hasQueued) return;
    if (best < 0 || child.startedAt < children[best].startedAt) best = i;
  });
  return best;
}

/** One queued job not yet asked back, seen from a free child. */
export interface QueuedView {
  /** How long the job its child runs has been running. */
  hostRunningMs: number;
}

export interface TakeBack {
  /** Indexes of the queued jobs to ask back now, the longest-stuck first. */
  take: number[];
  /** When to look again, for a free child and a job queued behind a run not yet long enough; null: no need. */
  recheckInMs: number | null;
}

/**
 * Which queued jobs to ask back so that free children run them: a job queued behind a long
 * run must not wait while a child is free. Only while no job waits in the pool (a waiting job
 * takes a free child first), one per free child not already promised a job on its way back,
 * and only from behind a run of at least `afterMs`: behind a short run the job starts within
 * moments where it is, and taking it back would cost more (two messages each way) than it saves.
 */
export function takeBackPlan(
  state: {
    idle: number;
    /** Jobs waiting in the pool for a child. */
    waiting: number;
    /** Queued jobs asked back and not yet back. */
    comingBack: number;
    /** Queued jobs not yet asked back. */
    queued: readonly QueuedView[];
  },
  afterMs: number,
): TakeBack {
  const free = state.idle - state.comingBack;
  if (state.waiting > 0 || free <= 0 || state.queued.length === 0) return { take: [], recheckInMs: null };
  const byAge = state.queued.map((q, i) => ({ i, ms: q.hostRunningMs })).sort((a, b) => b.ms - a.ms);
  const ripe = byAge.filter((q) => q.ms >= afterMs);
  const take = ripe.slice(0, free).map((q) => q.i);
  const unripe = byAge.filter((q) => q.ms < afterMs);
  const recheckInMs = take.length < free && unripe.length > 0 ? afterMs - unripe[0].ms : null;
  return { take, recheckInMs };
}
