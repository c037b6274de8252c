import { QueueGroup, Subjects, type GetJobRequest, type ListJobsReply, type ListJobsRequest, type Reply, type JobView } from '@crux/contracts';
import { serveJson, type NatsConnection } from '@crux/messaging';

/**
 * Stands in for job-state on `job.state.get` / `job.state.list`, recording what the gateway
 * asked, so a test can check the gateway's mapping. (The full-system tests use the real one.)
 */
export class StateResponder {
  readonly gets: GetJobRequest[] = [];
  readonly lists: ListJobsRequest[] = [];
  private readonly subs: { unsubscribe(): void }[] = [];

  private constructor(
    nc: NatsConnection,
    private readonly answerGet: (request: GetJobRequest) => Reply<JobView>,
    private readonly answerList: (request: ListJobsRequest) => Reply<ListJobsReply> = () => ({ ok: true, value: { jobs: [], next_cursor: null } }),
  ) {
    this.subs.push(
      serveJson<GetJobRequest, JobView>(nc, Subjects.stateGet, QueueGroup.JobState, async (request) => {
        this.gets.push(request);
        return this.answerGet(request);
      }),
      serveJson<ListJobsRequest, ListJobsReply>(nc, Subjects.stateList, QueueGroup.JobState, async (request) => {
        this.lists.push(request);
        return this.answerList(request);
      }),
    );
  }

  /** Starts answering; resolves once the server has the subscriptions, so no request finds nobody. */
  static async start(
    nc: NatsConnection,
    answerGet: (request: GetJobRequest) => Reply<JobView>,
    answerList?: (request: ListJobsRequest) => Reply<ListJobsReply>,
  ): Promise<StateResponder> {
    const responder = new StateResponder(nc, answerGet, answerList);
    await nc.flush();
    return responder;
  }

  stop(): void {
    for (const sub of this.subs) sub.unsubscribe();
  }
}

export function notFound(jobId: string): Reply<never> {
  return { ok: false, error: { status_code: 404, error: 'Not Found', message: `job ${jobId} not found` } };
}

export function jobView(overrides: Partial<JobView> & { job_id: string }): JobView {
  return {
    status: 'pending',
    created_at: new Date().toISOString(),
    started_at: null,
    completed_at: null,
    progress: 0,
    current_phase: null,
    result: null,
    error: null,
    partial_results: null,
    request: { question: 'q' },
    mode: 'basic',
    owner: 'alice',
    model_name: null,
    continued_from: null,
    version: 1,
    ...overrides,
  };
}
