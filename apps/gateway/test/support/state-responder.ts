import {
  QueueGroup,
  Subjects,
  type GetJobRequest,
  type JobCommandRequest,
  type JobView,
  type ListJobsReply,
  type ListJobsRequest,
  type PurgeConfirmRequest,
  type PurgePlanRequest,
  type PurgePlanView,
  type PurgeProgress,
  type PurgeStatusRequest,
  type Reply,
  type GoneError,
} from '@crux/contracts';
import { RpcServer } from '@crux/messaging';

/** Answers to job-state's operator commands; a command without one is not served (no answer → 503). */
export interface CommandAnswers {
  purgePlan?: (request: PurgePlanRequest) => Reply<PurgePlanView>;
  purgeConfirm?: (request: PurgeConfirmRequest) => Reply<PurgeProgress>;
  purgeStatus?: (request: PurgeStatusRequest) => Reply<PurgeProgress>;
  restore?: (request: JobCommandRequest) => Reply<JobView>;
  hold?: (request: JobCommandRequest) => Reply<JobView>;
  release?: (request: JobCommandRequest) => Reply<JobView>;
}

const COMMAND_SUBJECTS: Record<keyof CommandAnswers, string> = {
  purgePlan: Subjects.statePurgePlan,
  purgeConfirm: Subjects.statePurgeConfirm,
  purgeStatus: Subjects.statePurgeStatus,
  restore: Subjects.stateRestore,
  hold: Subjects.stateHold,
  release: Subjects.stateRelease,
};

/**
 * Stands in for job-state on `job.state.*`, on the same Nest NATS transport and queue group,
 * recording what the gateway asked, so a test can check the gateway's mapping. (The
 * full-system tests use the real one.)
 */
export class StateResponder {
  readonly gets: GetJobRequest[] = [];
  readonly lists: ListJobsRequest[] = [];
  /** Every command request, by CommandAnswers name, in arrival order. */
  readonly commands: { [K in keyof CommandAnswers]-?: Parameters<NonNullable<CommandAnswers[K]>>[0][] } = {
    purgePlan: [],
    purgeConfirm: [],
    purgeStatus: [],
    restore: [],
    hold: [],
    release: [],
  };

  private constructor(private readonly server: RpcServer) {}

  /** Starts answering; resolves once the server has the subscriptions, so no request finds nobody. */
  static async start(
    natsUrl: string,
    answerGet: (request: GetJobRequest) => Reply<JobView>,
    answerList: (request: ListJobsRequest) => Reply<ListJobsReply> = () => ({ ok: true, value: { jobs: [], next_cursor: null } }),
    answers: CommandAnswers = {},
  ): Promise<StateResponder> {
    const server = new RpcServer({ url: natsUrl, name: 'state-responder', queue: QueueGroup.JobState });
    const responder = new StateResponder(server);
    server
      .answer<GetJobRequest>(Subjects.stateGet, (request) => {
        responder.gets.push(request);
        return answerGet(request);
      })
      .answer<ListJobsRequest>(Subjects.stateList, (request) => {
        responder.lists.push(request);
        return answerList(request);
      });
    for (const name of Object.keys(COMMAND_SUBJECTS) as (keyof CommandAnswers)[]) {
      const answer = answers[name] as ((request: unknown) => Reply<unknown>) | undefined;
      if (!answer) continue;
      server.answer(COMMAND_SUBJECTS[name], (request) => {
        (responder.commands[name] as unknown[]).push(request);
        return answer(request);
      });
    }
    await server.startAnswering();
    return responder;
  }

  stop(): Promise<void> {
    return this.server.close();
  }
}

export function notFound(jobId: string): Reply<never> {
  return { ok: false, error: { status_code: 404, error: 'Not Found', message: `job ${jobId} not found` } };
}

/** The 410 job-state gives for a job whose history ends in a deletion. */
export function gone(jobId: string, reason = 'purge', actorId = 'ops'): Reply<never> {
  const deletedAt = '2026-01-02T03:04:05.000Z';
  return {
    ok: false,
    error: {
      status_code: 410,
      error: 'Gone',
      message: `job ${jobId} was deleted (${reason}) at ${deletedAt} by ${actorId}`,
      deleted_at: deletedAt,
      reason,
      actor: { kind: 'user', id: actorId },
    } as GoneError,
  };
}

export function refusal(status: number, error: string, message: string): Reply<never> {
  return { ok: false, error: { status_code: status, error, message } };
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
