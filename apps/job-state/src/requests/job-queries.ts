import {
  apiError,
  ConsumerName,
  deletedJobFactsOf,
  JobEventType,
  StreamName,
  type ApiError,
  type GetManyJobsReply,
  type JobBrief,
  type JobCreated,
  type JobDeleted,
  type JobRestored,
  type JobView,
  type ListJobsReply,
  type Reply,
} from '@crux/contracts';
import type { JetStreamManager } from '@crux/messaging';
import {
  assertNever,
  checkGetManyRequest,
  checkGetRequest,
  checkListRequest,
  classifyMissingJob,
  encodeCursor,
  goneError,
  listSource,
  needsAckFloor,
  planUpdate,
  projectedFromNothing,
  type ListPosition,
  type Stored,
  type TtlSettings,
} from '../domain/index.js';
import type { JobHistory } from '../events/job-history.js';
import type { JobReader } from '../redis/job-reader.js';

export const notFound = (jobId: string): ApiError => apiError(404, 'Not Found', `job ${jobId} not found`);

const gone = (jobId: string, deletion: Stored<JobDeleted>): JobLookup => ({
  kind: 'gone',
  error: goneError(jobId, deletion),
  owner: deletedJobFactsOf(deletion.event.data)?.owner ?? null,
  deletion,
});

/** Entries read per round trip when a filter may drop many of them. */
const FILTERED_CHUNK = 100;

/** The event that brings a job into existence: its `created`, or a `restored` after its deletion. */
export type CreatingEvent = Stored<JobCreated> | Stored<JobRestored>;

/**
 * A job as a request finds it. Every request about one job asks `lookup`, so they all
 * answer alike: a job whose creating event is in JOBS is never `unknown`.
 * - `live`: in Redis, or in JOBS and not projected yet (`unapplied` is then that event);
 * - `gone`: its history ends in a deletion (410);
 * - `unsettled`: projected, then its key vanished with no deletion recorded yet (a Redis
 *   that lost it and is being rebuilt, or a key removed outside Crux that detection is
 *   recording): 503, as the answer is about to change;
 * - `unknown`: never seen (404).
 */
export type JobLookup =
  | { kind: 'live'; view: JobView; unapplied: CreatingEvent | null }
  | { kind: 'gone'; error: ApiError; owner: string | null; deletion: Stored<JobDeleted> }
  | { kind: 'unsettled'; error: ApiError; owner: string | null }
  | { kind: 'unknown' };

/** Answers `job.state.get`, `job.state.get_many` and `job.state.list`. */
export class JobQueries {
  constructor(
    private readonly reader: JobReader,
    private readonly history: JobHistory,
    private readonly jsm: JetStreamManager,
    private readonly settings: TtlSettings,
  ) {}

  /**
   * One job. Another owner's job answers exactly like an unknown one, so ids cannot be probed.
   * A job whose `created` is in JOBS but not yet projected answers as pending (read-your-writes);
   * one whose history ends in `deleted` answers 410 with when, why and by whom.
   */
  async get(request: unknown): Promise<Reply<JobView>> {
    const checked = checkGetRequest(request);
    if (!checked.ok) return checked;
    const { jobId, owner } = checked.value;
    const found = await this.lookup(jobId, owner);
    if (found.kind === 'live') return { ok: true, value: found.view };
    return { ok: false, error: found.kind === 'unknown' ? notFound(jobId) : found.error };
  }

  /**
   * What `get` (no owner) would say of each job, in brief: the statuses of the live ones read
   * in one round trip, each of the others judged from JOBS as `get` judges it. An unsettled
   * job is null, as the brief has no word for "ask again".
   */
  async getMany(request: unknown): Promise<Reply<GetManyJobsReply>> {
    const checked = checkGetManyRequest(request);
    if (!checked.ok) return checked;
    const ids = checked.value;
    const statuses = await this.reader.statuses(ids);
    // Jobs asked about together are mostly just created: one reading of the projection's ack floor serves them all.
    let ackFloor: Promise<number> | undefined;
    const sharedAckFloor = () => (ackFloor ??= this.ackFloor());
    const briefs = await Promise.all(
      ids.map(async (jobId, i): Promise<JobBrief> => {
        const status = statuses[i];
        if (status) return { status };
        const found = await this.missing(jobId, sharedAckFloor);
        return found.kind === 'live' ? { status: found.view.status } : found.kind === 'gone' ? { gone: true } : null;
      }),
    );
    return { ok: true, value: { jobs: Object.fromEntries(ids.map((id, i) => [id, briefs[i]])) } };
  }

  /**
   * Finds a job for a request. With `owner` set, a job that is not provably theirs (another
   * owner's, or erased so that nobody can tell) is unknown.
   */
  async lookup(jobId: string, owner: string | null = null): Promise<JobLookup> {
    const live = await this.reader.read(jobId);
    const found: JobLookup = live ? { kind: 'live', view: live, unapplied: null } : await this.missing(jobId);
    const jobOwner = found.kind === 'live' ? found.view.owner : found.kind === 'unknown' ? null : found.owner;
    if (found.kind !== 'unknown' && owner !== null && jobOwner !== owner) return { kind: 'unknown' };
    return found;
  }

  /**
   * A job without a key, judged from JOBS: not projected yet, deleted, unknown, or projected
   * after the key was read (read again). Only this path reads JOBS: a job found in Redis costs
   * nothing more.
   */
  private async missing(jobId: string, ackFloor: () => Promise<number> = () => this.ackFloor()): Promise<JobLookup> {
    let facts = await this.history.facts(jobId);
    // Direct gets may come from a replica that lags behind an event already acknowledged to
    // its publisher: before "never seen", ask the stream leader, which has every such event.
    if (!facts.created && !facts.deleted && !facts.restored) facts = await this.history.facts(jobId, { fromLeader: true });
    const floor = needsAckFloor(facts) ? await ackFloor() : 0;
    const missing = classifyMissingJob(facts, floor);
    switch (missing.kind) {
      case 'gone':
        return gone(jobId, missing.deletion);
      case 'unprojected': {
        const view = projectedFromNothing(planUpdate(missing.by.event, missing.by.seq, this.settings));
        return view ? { kind: 'live', view, unapplied: missing.by } : { kind: 'unknown' };
      }
      case 'applied':
        return this.applied(jobId, missing.by);
      case 'unknown':
        return { kind: 'unknown' };
      default:
        return assertNever(missing, 'missing job');
    }
  }

  /**
   * A job the projector had applied when its position was read, though its key was missing
   * when read before that: the projection most often landed in between, so the key is read
   * again, now that it is sure to be there unless something removed it since.
   */
  private async applied(jobId: string, by: CreatingEvent): Promise<JobLookup> {
    const view = await this.reader.read(jobId);
    if (view) return { kind: 'live', view, unapplied: null };
    // Removed meanwhile: by a deletion stored after the facts were read, or by something not recorded yet.
    const deleted = await this.history.last(JobEventType.Deleted, jobId, { fromLeader: true });
    if (deleted && deleted.seq > by.seq) return gone(jobId, deleted);
    return {
      kind: 'unsettled',
      owner: by.event.type === JobEventType.Created ? by.event.data.owner : by.event.data.snapshot.owner,
      error: apiError(
        503,
        'Service Unavailable',
        `job ${jobId} is in the event log but missing from the live state, and its deletion is not recorded yet ` +
          '(the live state is being rebuilt, or its key was removed outside Crux and job-state is recording that); try again shortly',
      ),
    };
  }

  /** The last JOBS sequence up to which the projection has applied every event. */
  private async ackFloor(): Promise<number> {
    return (await this.jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).ack_floor.stream_seq;
  }

  /** A newest-first page; ids whose key is gone are skipped (deletion detection records and unindexes them). */
  async list(request: unknown): Promise<Reply<ListJobsReply>> {
    const checked = checkListRequest(request);
    if (!checked.ok) return checked;
    const query = checked.value;
    const { index, statusFilter } = listSource(query);
    const wanted = query.limit + 1; // one more than a page says whether another page exists
    const chunk = statusFilter ? Math.max(wanted, FILTERED_CHUNK) : wanted;
    const found: { view: JobView; position: ListPosition }[] = [];
    let position = query.after;
    for (;;) {
      const { entries, done } = await this.reader.entriesAfter(index, position, chunk);
      const views = await this.reader.readMany(entries.map((e) => e.id));
      for (let i = 0; i < entries.length && found.length < wanted; i++) {
        const view = views[i];
        if (view && (query.status === null || view.status === query.status)) {
          found.push({ view, position: { score: entries[i].score, id: entries[i].id } });
        }
      }
      if (done || found.length >= wanted || entries.length === 0) break;
      position = { score: entries[entries.length - 1].score, id: entries[entries.length - 1].id };
    }
    const page = found.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      ok: true,
      value: {
        jobs: page.map((f) => f.view),
        next_cursor: found.length > query.limit && last ? encodeCursor(last.position) : null,
      },
    };
  }
}
