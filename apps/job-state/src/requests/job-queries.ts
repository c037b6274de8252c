import { apiError, ConsumerName, StreamName, type ApiError, type GetManyJobsReply, type JobBrief, type JobView, type ListJobsReply, type Reply } from '@crux/contracts';
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
  type TtlSettings,
} from '../domain/index.js';
import type { JobHistory } from '../events/job-history.js';
import type { JobReader } from '../redis/job-reader.js';

export const notFound = (jobId: string): ApiError => apiError(404, 'Not Found', `job ${jobId} not found`);

/** Entries read per round trip when a filter may drop many of them. */
const FILTERED_CHUNK = 100;

/** A job as a request finds it: live (or about to be), deleted, or never seen. */
export type JobLookup =
  | { kind: 'live'; view: JobView }
  | { kind: 'gone'; error: ApiError; owner: string | null }
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
    return { ok: false, error: found.kind === 'gone' ? found.error : notFound(jobId) };
  }

  /**
   * What `get` (no owner) would say of each job, in brief: the statuses of the live ones read
   * in one round trip, each of the others judged from JOBS as `get` judges it.
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
    const found: JobLookup = live ? { kind: 'live', view: live } : await this.missing(jobId);
    const jobOwner = found.kind === 'live' ? found.view.owner : found.kind === 'gone' ? found.owner : null;
    if (found.kind !== 'unknown' && owner !== null && jobOwner !== owner) return { kind: 'unknown' };
    return found;
  }

  /** A job without a key, judged from JOBS: not projected yet, deleted, or unknown. */
  private async missing(jobId: string, ackFloor: () => Promise<number> = () => this.ackFloor()): Promise<JobLookup> {
    const facts = await this.history.facts(jobId);
    const floor = needsAckFloor(facts) ? await ackFloor() : 0;
    const missing = classifyMissingJob(facts, floor);
    switch (missing.kind) {
      case 'gone':
        return { kind: 'gone', error: goneError(jobId, missing.deletion), owner: missing.deletion.event.data.snapshot?.owner ?? null };
      case 'unprojected': {
        const view = projectedFromNothing(planUpdate(missing.by.event, missing.by.seq, this.settings));
        return view ? { kind: 'live', view } : { kind: 'unknown' };
      }
      case 'unknown':
        return { kind: 'unknown' };
      default:
        return assertNever(missing, 'missing job');
    }
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
