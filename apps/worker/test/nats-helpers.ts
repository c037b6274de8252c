/**
 * What the integration tests need around a real nats-server: the JOBS stream and the
 * workers consumer, a way to publish `job.created`, `job.cancel` and `job.deleted` as the
 * gateway and job-state do, and a log of every job event in the stream.
 */
import {
  ConsumerName,
  JobEventType,
  makeEvent,
  StreamName,
  serviceActor,
  type EventEnvelope,
  type JobCancelData,
  type JobCancelled,
  type JobCreated,
  type JobCreatedData,
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
  const event = makeEvent<'created', JobCreatedData>(
    JobEventType.Created,
    options.jobId ?? crypto.randomUUID(),
    { kind: 'user', id: 'alice' },
    {
      mode: options.mode ?? 'basic',
      owner: 'alice',
      request,
      model_name: null,
      llm_provider: options.llm_provider ?? 'simulated',
      continued_from: null,
    },
  );
  await publishEvent(jetstream(nc), event);
  return event;
}

/** Publishes `job.cancel.<id>` to JOBS as the gateway does (every worker reads it). */
export async function publishCancel(nc: NatsConnection, jobId: string): Promise<JobCancelled> {
  const event = makeEvent<'cancel', JobCancelData>(
    JobEventType.Cancel,
    jobId,
    { kind: 'user', id: 'alice' },
    { reason: 'changed my mind' },
  );
  await publishEvent(jetstream(nc), event);
  return event;
}

/** Publishes `job.deleted.<id>` (or `job.restored.<id>`) to JOBS as job-state does; the data is not what the worker reads. */
export async function publishDeletion(nc: NatsConnection, jobId: string, type: 'deleted' | 'restored' = 'deleted'): Promise<void> {
  await publishEvent(jetstream(nc), makeEvent(type, jobId, serviceActor('job-state-stand-in'), { reason: 'purge' }));
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
