import {
  apiError,
  DeletionArchive,
  deletedJobFactsOf,
  deletionArchiveOf,
  DeletionReason,
  JobEventType,
  makeEvent,
  type JobDeleted,
  type JobView,
  type Reply,
} from '@crux/contracts';
import {
  assertNever,
  checkJobCommand,
  rebuildBeforeDeletion,
  restoredEvent,
  type JobCommand,
  type Stored,
  type TtlSettings,
} from '../domain/index.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { JobHistory } from '../events/job-history.js';
import type { JobReader } from '../redis/job-reader.js';
import { awaitVerdict } from './await-projection.js';
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
    private readonly settings: TtlSettings,
  ) {}

  /**
   * Brings a deleted job back as its latest `deleted` event archived it: from the snapshot in
   * the event, or rebuilt from its history in JOBS up to the deletion. Two restores of the
   * same deletion publish one event (its id derives from the deletion), and a restore asked
   * again before the first is applied waits for that one.
   */
  async restore(request: unknown): Promise<Reply<JobView>> {
    const checked = checkJobCommand(request);
    if (!checked.ok) return checked;
    const { actor, jobId, reason } = checked.value;
    const found = await this.queries.lookup(jobId);
    switch (found.kind) {
      case 'live':
        if (found.unapplied?.event.type === JobEventType.Restored)
          return this.projected(jobId, found.unapplied.event.id, found.unapplied.seq, 'restore');
        return conflict(`job ${jobId} is live; only a deleted job can be restored`);
      case 'unsettled':
        return { ok: false, error: found.error };
      case 'unknown':
        return { ok: false, error: apiError(404, 'Not Found', `job ${jobId} has no archived copy within retention`) };
      case 'gone': {
        const archived = await this.archived(jobId, found.deletion);
        if (!archived.ok) return archived;
        const event = restoredEvent(jobId, archived.value, found.deletion, actor, reason);
        const ack = await this.publisher.publish(event);
        return this.projected(jobId, event.id, ack.seq, 'restore');
      }
      default:
        return assertNever(found, 'job lookup');
    }
  }

  /** The job as `deletion` removed it, from wherever that deletion archived it. */
  private async archived(jobId: string, deletion: Stored<JobDeleted>): Promise<Reply<JobView>> {
    const { data } = deletion.event;
    const archive = deletionArchiveOf(data);
    switch (archive) {
      case DeletionArchive.Snapshot:
        return data.snapshot
          ? { ok: true, value: data.snapshot }
          : { ok: false, error: apiError(410, 'Gone', `job ${jobId} was deleted without its content`) };
      case DeletionArchive.None:
        return {
          ok: false,
          error: apiError(
            410,
            'Gone',
            data.reason === DeletionReason.Erase
              ? `job ${jobId} was erased; its content no longer exists`
              : `job ${jobId} was deleted after its history had left the archive; its content no longer exists`,
          ),
        };
      case DeletionArchive.History: {
        const facts = deletedJobFactsOf(data);
        const rebuilt = facts
          ? rebuildBeforeDeletion(
              await this.history.events(jobId),
              { seq: deletion.seq, version: facts.version, contentHash: data.content_hash },
              this.settings,
            )
          : { ok: false as const, why: 'its deletion names no version' };
        if (rebuilt.ok) return { ok: true, value: rebuilt.snapshot };
        return { ok: false, error: apiError(404, 'Not Found', `job ${jobId} has no archived copy within retention: ${rebuilt.why}`) };
      }
      default:
        return assertNever(archive, 'deletion archive');
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
    const event = makeEvent(type, jobId, command.actor, { reason: command.reason });
    const ack = await this.publisher.publish(event);
    return this.projected(jobId, event.id, ack.seq, type);
  }

  /**
   * Answers with the job once the projector applied the command's event, or with why it
   * refused it: another command on the job reached JOBS first (a purge before this hold,
   * say), and the answer must agree with the trail, which never records a refused event.
   */
  private async projected(jobId: string, eventId: string, seq: number, what: string): Promise<Reply<JobView>> {
    const verdict = await awaitVerdict(this.reader, jobId, eventId, seq, PROJECTION_WAIT_MS);
    if (verdict.kind === 'applied') return { ok: true, value: verdict.view };
    const found = await this.queries.lookup(jobId);
    if (found.kind === 'gone') return { ok: false, error: found.error };
    if (verdict.kind === 'refused') {
      if (found.kind === 'unknown') return { ok: false, error: notFound(jobId) };
      return conflict(verdict.refusal.message);
    }
    if (found.kind === 'unsettled') return { ok: false, error: found.error };
    return {
      ok: false,
      error: apiError(
        503,
        'Service Unavailable',
        `the ${what} of job ${jobId} is recorded but not applied yet; read the job again shortly`,
      ),
    };
  }
}
