import {
  apiError,
  ConsumerName,
  JobEventType,
  StreamName,
  Subjects,
  type JobView,
  type ListJobsReply,
  type Reply,
} from '@crux/contracts';
import type { JetStreamManager } from '@crux/messaging';
import {
  checkGetRequest,
  checkListRequest,
  encodeCursor,
  listSource,
  parseJobEvent,
  planUpdate,
  projectedFromNothing,
  type ListPosition,
  type TtlSettings,
} from '../domain/index.js';
import type { JobReader } from '../redis/job-reader.js';

const notFound = (jobId: string): Reply<never> => ({
  ok: false,
  error: apiError(404, 'Not Found', `job ${jobId} not found`),
});

/** A job id that can stand in a subject as one token (no wildcards, dots or spaces). */
const isSubjectToken = (id: string) => !/[.*>\s]/.test(id);

/** Entries read per round trip when a filter may drop many of them. */
const FILTERED_CHUNK = 100;

/** Answers `job.state.get` and `job.state.list`. */
export class JobQueries {
  constructor(
    private readonly reader: JobReader,
    private readonly jsm: JetStreamManager,
    private readonly settings: TtlSettings,
  ) {}

  /**
   * One job. Another owner's job answers exactly like an unknown one, so ids cannot be probed.
   * A job whose `created` is in JOBS but not yet projected answers as pending (read-your-writes).
   */
  async get(request: unknown): Promise<Reply<JobView>> {
    const checked = checkGetRequest(request);
    if (!checked.ok) return checked;
    const { jobId, owner } = checked.value;
    const view = (await this.reader.read(jobId)) ?? (await this.unprojected(jobId));
    if (!view || (owner !== null && view.owner !== owner)) return notFound(jobId);
    return { ok: true, value: view };
  }

  /** The pending view of a job created in JOBS that the projector has not reached yet. */
  private async unprojected(jobId: string): Promise<JobView | null> {
    if (!isSubjectToken(jobId)) return null;
    const msg = await this.jsm.streams.getMessage(StreamName.Jobs, {
      last_by_subj: Subjects.jobEvent(JobEventType.Created, jobId),
    });
    if (!msg) return null;
    // At or below the ack floor the projector has been there: the key is gone since (deleted, expired).
    const projector = await this.jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector);
    if (msg.seq <= projector.ack_floor.stream_seq) return null;
    const parsed = parseJobEvent(msg.subject, msg.string());
    if (!parsed.ok) return null;
    return projectedFromNothing(planUpdate(parsed.event, msg.seq, this.settings));
  }

  /** A newest-first page; ids whose key is gone are skipped and dropped from the indexes. */
  async list(request: unknown): Promise<Reply<ListJobsReply>> {
    const checked = checkListRequest(request);
    if (!checked.ok) return checked;
    const query = checked.value;
    const { index, statusFilter } = listSource(query);
    const wanted = query.limit + 1; // one more than a page says whether another page exists
    const chunk = statusFilter ? Math.max(wanted, FILTERED_CHUNK) : wanted;
    const found: { view: JobView; position: ListPosition }[] = [];
    const stale: string[] = [];
    let position = query.after;
    for (;;) {
      const { entries, done } = await this.reader.entriesAfter(index, position, chunk);
      const views = await this.reader.readMany(entries.map((e) => e.id));
      for (let i = 0; i < entries.length && found.length < wanted; i++) {
        const view = views[i];
        if (!view) stale.push(entries[i].id);
        else if (query.status === null || view.status === query.status) {
          found.push({ view, position: { score: entries[i].score, id: entries[i].id } });
        }
      }
      if (done || found.length >= wanted || entries.length === 0) break;
      position = { score: entries[entries.length - 1].score, id: entries[entries.length - 1].id };
    }
    await this.reader.removeStaleEntries(index, stale);
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
