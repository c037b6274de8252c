/** A pull request the worker sent: when, and for how many jobs. */
export interface SentPull {
  at: number;
  batch: number;
}

/**
 * The pull requests that may still be waiting on the server at `now`, oldest first, and the
 * most jobs they can still owe between them (their batches). A request lives `lifeMs` on the
 * server from when it got there, so one sent longer ago than that (plus a margin for the trip)
 * is gone whether or not its 408 arrived: nats-server 2.9 drops a request that expires while
 * jobs keep coming without sending it. Jobs counted as owed beyond this cap are owed by no
 * request, and a worker still counting them would ask for less than its room, or nothing.
 */
export function owedCap(sent: readonly SentPull[], now: number, lifeMs: number): { alive: SentPull[]; cap: number } {
  const alive = sent.filter((pull) => now - pull.at < lifeMs);
  return { alive, cap: alive.reduce((sum, pull) => sum + pull.batch, 0) };
}
