/**
 * The worker's questions to job-state, in batches: every job asked about in one turn of the
 * event loop (the messages of one pull arrive together, and so do the held jobs of one cancel
 * sweep) goes into one `job.state.get_many`. When no job-state serves get_many (an older
 * one) or it refuses the request, each job is asked about with `job.state.get`, and
 * get_many is tried again only after a while.
 */
import { GET_MANY_MAX_IDS } from '@crux/contracts';
import type { NatsConnection } from '@crux/messaging';
import type { PoolLogger } from '../pool/pool-types.js';
import type { StateLookup } from './delivery-decision.js';
import { lookupJob, lookupJobs } from './job-lookup.js';

export interface StateLookupsOptions {
  /** How long to wait for job-state's answer. */
  timeoutMs: number;
  /** How long to ask one job at a time after get_many was refused. @defaultValue 30000 */
  singlesForMs?: number;
  logger?: PoolLogger;
  now?: () => number;
}

export class StateLookups {
  private pending = new Map<string, Array<(state: StateLookup) => void>>();
  private scheduled = false;
  private singlesUntil = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: StateLookupsOptions,
  ) {}

  /** What job-state knows of the job; never rejects (a failure is `unavailable`). */
  lookup(jobId: string): Promise<StateLookup> {
    return new Promise((resolve) => {
      const waiting = this.pending.get(jobId);
      if (waiting) waiting.push(resolve);
      else this.pending.set(jobId, [resolve]);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += GET_MANY_MAX_IDS) {
      const chunk = ids.slice(i, i + GET_MANY_MAX_IDS);
      void this.ask(chunk)
        .catch((error: unknown) => new Map<string, StateLookup>(chunk.map((id) => [id, { kind: 'unavailable', detail: (error as Error).message }])))
        .then((states) => {
          for (const id of chunk) {
            const state = states.get(id) ?? { kind: 'unavailable', detail: 'not asked' };
            for (const resolve of batch.get(id) ?? []) resolve(state);
          }
        });
    }
  }

  private async ask(ids: string[]): Promise<Map<string, StateLookup>> {
    const now = this.options.now ?? Date.now;
    if (now() >= this.singlesUntil) {
      const many = await lookupJobs(this.nc, ids, this.options.timeoutMs);
      if (many.kind === 'answered') return many.states;
      const forMs = this.options.singlesForMs ?? 30_000;
      this.singlesUntil = now() + forMs;
      this.options.logger?.warn(`asking job-state about one job at a time for ${forMs} ms: ${many.detail}`);
    }
    const states = await Promise.all(ids.map((id) => lookupJob(this.nc, id, this.options.timeoutMs)));
    return new Map(ids.map((id, i) => [id, states[i]]));
  }
}
