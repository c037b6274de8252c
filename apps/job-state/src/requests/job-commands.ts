import { apiError, JobEventType, makeEvent, type JobView, type Reply } from '@crux/contracts';
import { assertNever, checkJobCommand, restoredEvent, type JobCommand } from '../domain/index.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { JobHistory } from '../events/job-history.js';
import type { JobReader } from '../redis/job-reader.js';
import { awaitProjection } from './await-projection.js';
import { notFound, type JobQueries } from './job-queries.js';

/** How long a command waits for the projector to show its effect before answering anyway. */
const PROJECTION_WAIT_MS = 10_000;

const conflict = (message: string): Reply<never> => ({ ok: false, error: apiError(409, 'Conflict', message) });

/** Operator commands on one job: restore from the archive, legal hold and its release. */
export class JobCommands {
  constructor(
    private readonly reader: JobReader,
    private readonly queries: JobQueries,
    private readonly history: JobHistory,
    private readonly publisher: EventPublisher,
  ) {}

  /**
   * Brings a deleted job back from the snapshot in its latest `deleted` event. Two restores
   * of the same deletion publish one event (its id derives from the deletion), and a restore
   * asked again before the first is applied waits for that one.
   */
  async restore(request: unknown): Promise<Reply<JobView>> {
    const checked = checkJobCommand(request);
    if (!checked.ok) return checked;
    const { actor, jobId, reason } = checked.value;
    const found = await this.queries.lookup(jobId);
    switch (found.kind) {
      case 'live':
        if (found.unapplied?.event.type === JobEventType.Restored) return this.projected(jobId, found.unapplied.seq, 'restore');
        return conflict(`job ${jobId} is live; only a deleted job can be restored`);
      case 'unsettled':
        return { ok: false, error: found.error };
      case 'unknown':
        return { ok: false, error: apiError(404, 'Not Found', `job ${jobId} has no archived copy within retention`) };
      case 'gone': {
        const snapshot = found.deletion.event.data.snapshot;
        if (!snapshot) return { ok: false, error: apiError(410, 'Gone', `job ${jobId} was erased; its content no longer exists`) };
        const ack = await this.publisher.publish(restoredEvent(jobId, snapshot, found.deletion, actor, reason));
        return this.projected(jobId, ack.seq, 'restore');
      }
      default:
        return assertNever(found, 'job lookup');
    }
  }

  hold(request: unknown): Promise<Reply<JobView>> {
    return this.setHold(request, true);
  }

  release(request: unknown): Promise<Reply<JobView>> {
    return this.setHold(request, false);
  }

  private async setHold(request: unknown, held: boolean): Promise<Reply<JobView>> {
    const checked = checkJobCommand(request);
    if (!checked.ok) return checked;
    const command: JobCommand = checked.value;
    const { jobId } = command;
    const found = await this.queries.lookup(jobId);
    if (found.kind === 'unknown') return { ok: false, error: notFound(jobId) };
    if (found.kind !== 'live') return { ok: false, error: found.error };
    if (found.view.held === held) return conflict(held ? `job ${jobId} is already on hold` : `job ${jobId} is not on hold`);
    const type = held ? 'held' : 'released';
    const ack = await this.publisher.publish(makeEvent(type, jobId, command.actor, { reason: command.reason }));
    return this.projected(jobId, ack.seq, type);
  }

  /** Answers with the job once the projector shows the command's event applied. */
  private async projected(jobId: string, seq: number, what: string): Promise<Reply<JobView>> {
    const view = await awaitProjection(this.reader, jobId, seq, PROJECTION_WAIT_MS);
    if (view) return { ok: true, value: view };
    const found = await this.queries.lookup(jobId);
    if (found.kind === 'gone' || found.kind === 'unsettled') return { ok: false, error: found.error };
    return {
      ok: false,
      error: apiError(503, 'Service Unavailable', `the ${what} of job ${jobId} is recorded but not applied yet; read the job again shortly`),
    };
  }
}
