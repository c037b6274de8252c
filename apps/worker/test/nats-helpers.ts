/**
 * What the integration tests need around a real nats-server: the JOBS stream and the
 * workers consumer, a way to publish `job.created` as the gateway does, a log of every job
 * event in the stream, and a stand-in for job-state's `job.state.get` and
 * `job.state.get_many` (the real job-state is another app).
 */
import {
  apiError,
  ConsumerName,
  JobEventType,
  makeEvent,
  QueueGroup,
  StreamName,
  Subjects,
  type EventEnvelope,
  type GetManyJobsReply,
  type GetManyJobsRequest,
  type JobBrief,
  type JobCancelData,
  type JobCancelled,
  type JobCreated,
  type JobCreatedData,
  type JobStatus,
  type JobView,
  type Reply,
  type SolveMode,
} from '@crux/contracts';
import {
  ensureConsumer,
  ensureJobsStream,
  jetstream,
  jetstreamManager,
  publishEvent,
  workersConsumerConfig,
  type NatsConnection,
} from '@crux/messaging';
import type { Subscription } from '@nats-io/transport-node';

export async function provisionQueue(nc: NatsConnection, s: { ackWaitMs: number; maxAttempts: number }): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await ensureJobsStream(jsm, { archiveRetentionS: 3600, streamReplicas: 1 });
  await ensureConsumer(jsm, StreamName.Jobs, workersConsumerConfig(s));
}

/** True once the workers queue holds nothing: every job.created was acknowledged (or terminated), none waits for redelivery. */
export async function queueSettled(nc: NatsConnection): Promise<boolean> {
  const info = await (await jetstreamManager(nc)).consumers.info(StreamName.Jobs, ConsumerName.Workers);
  return info.num_pending === 0 && info.num_ack_pending === 0;
}

export async function publishCreated(
  nc: NatsConnection,
  request: Record<string, unknown>,
  options: { mode?: SolveMode; llm_provider?: string; jobId?: string } = {},
): Promise<JobCreated> {
  const event = makeEvent<'created', JobCreatedData>(JobEventType.Created, options.jobId ?? crypto.randomUUID(), { kind: 'user', id: 'alice' }, {
    mode: options.mode ?? 'basic',
    owner: 'alice',
    request,
    model_name: null,
    llm_provider: options.llm_provider ?? 'simulated',
    continued_from: null,
  });
  await publishEvent(jetstream(nc), event);
  return event;
}

/** Publishes `job.cancel.<id>` to JOBS as the gateway does (every worker hears it through its core subscription). */
export async function publishCancel(nc: NatsConnection, jobId: string): Promise<JobCancelled> {
  const event = makeEvent<'cancel', JobCancelData>(JobEventType.Cancel, jobId, { kind: 'user', id: 'alice' }, { reason: 'changed my mind' });
  await publishEvent(jetstream(nc), event);
  return event;
}

/** Every event in the JOBS stream, in stream order, collected by an ordered consumer. */
export class EventLog {
  readonly events: EventEnvelope[] = [];
  private stopper: (() => void) | undefined;

  static async open(nc: NatsConnection): Promise<EventLog> {
    const log = new EventLog();
    const consumer = await jetstream(nc).consumers.get(StreamName.Jobs);
    const messages = await consumer.consume();
    log.stopper = () => void messages.close();
    void (async () => {
      for await (const m of messages) log.events.push(m.json<EventEnvelope>());
    })();
    return log;
  }

  /** The job's events, without those the test itself published as the gateway would (created, cancel). */
  of(jobId: string): EventEnvelope[] {
    return this.events.filter((e) => e.job_id === jobId && e.type !== JobEventType.Created && e.type !== JobEventType.Cancel);
  }

  /** The job's events once one of them is of `type`; undefined until then (for waitFor). */
  until(jobId: string, type: string): EventEnvelope[] | undefined {
    const events = this.of(jobId);
    return events.some((e) => e.type === type) ? events : undefined;
  }

  close(): void {
    this.stopper?.();
  }
}

/**
 * Answers `job.state.get` and `job.state.get_many` as job-state would: the status the test
 * set, or not found for a job it has not heard of. `silent` makes it ignore requests, as a
 * job-state that is down; `{ many: false }` leaves get_many unserved, as an older job-state.
 */
export class JobStateStub {
  readonly statuses = new Map<string, JobStatus>();
  silent = false;
  /** Requests of either kind. */
  requests = 0;
  /** Job ids asked about, in order, by either kind of request. */
  readonly asked: string[] = [];
  /** The ids of each get_many, in order. */
  readonly askedMany: string[][] = [];
  private readonly subs: Subscription[];

  constructor(nc: NatsConnection, options: { many?: boolean } = {}) {
    this.subs = [
      nc.subscribe(Subjects.stateGet, {
        queue: QueueGroup.JobState,
        callback: (err, msg) => {
          if (err) return;
          this.requests++;
          const { job_id } = msg.json<{ job_id: string }>();
          this.asked.push(job_id);
          if (this.silent) return;
          const status = this.statuses.get(job_id);
          const reply: Reply<Partial<JobView>> = status
            ? { ok: true, value: { job_id, status } }
            : { ok: false, error: apiError(404, 'Not Found', `job ${job_id} not found`) };
          msg.respond(JSON.stringify(reply));
        },
      }),
    ];
    if (options.many === false) return;
    this.subs.push(
      nc.subscribe(Subjects.stateGetMany, {
        queue: QueueGroup.JobState,
        callback: (err, msg) => {
          if (err) return;
          this.requests++;
          const { job_ids } = msg.json<GetManyJobsRequest>();
          this.asked.push(...job_ids);
          this.askedMany.push(job_ids);
          if (this.silent) return;
          const jobs = Object.fromEntries(job_ids.map((id): [string, JobBrief] => [id, this.statuses.has(id) ? { status: this.statuses.get(id)! } : null]));
          msg.respond(JSON.stringify({ ok: true, value: { jobs } } satisfies Reply<GetManyJobsReply>));
        },
      }),
    );
  }

  close(): void {
    for (const sub of this.subs) sub.unsubscribe();
  }
}
