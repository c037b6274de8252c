/**
 * Durable consumer configurations, in one place, and their provisioning.
 */
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JetStreamManager } from '@nats-io/jetstream';
import { AUDIT_ACTIONS, auditConsumerName, ConsumerName, JobEventType, StreamName, Subjects } from '@crux/contracts';
import { isNotFound } from './streams.js';

const nanos = (ms: number) => ms * 1_000_000;

/**
 * job-state's projection: every job event, in stream order, acknowledged once applied. The
 * projector applies in stream order and acks a batch with one ack, of its last event, which
 * covers every event before it (AckPolicy.All): one message per batch instead of one per event.
 * The ack policy of a consumer cannot be changed; this one is re-created at every start
 * (rewindConsumerToAckFloor), which is how a consumer of earlier versions (Explicit) moves over.
 */
export function projectorConsumerConfig(): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: ConsumerName.Projector,
    ack_policy: AckPolicy.All,
    deliver_policy: DeliverPolicy.All,
    filter_subject: Subjects.allJobEvents,
    ack_wait: nanos(30_000),
    max_ack_pending: 10_000,
  };
}

export interface WorkQueueSettings {
  ackWaitMs: number;
  maxAttempts: number;
}

/**
 * The workers' shared queue of `job.created`. A worker that stops heart-beating loses its
 * job to another after ack_wait. Deliveries are not limited: a delivery is not a run (a
 * worker may hand a job back without starting it), so the worker counts the runs that
 * began (`job.started` in JOBS) and records the job failed (`worker_lost`) after
 * maxAttempts of them.
 */
export function workersConsumerConfig(s: WorkQueueSettings): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: ConsumerName.Workers,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: Subjects.eventsOfType(JobEventType.Created),
    ack_wait: nanos(s.ackWaitMs),
    max_deliver: -1,
    max_ack_pending: 10_000,
  };
}

export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
): Promise<void> {
  try {
    await jsm.consumers.info(stream, config.durable_name);
    await jsm.consumers.update(stream, config.durable_name, {
      ack_wait: config.ack_wait,
      max_deliver: config.max_deliver,
      max_ack_pending: config.max_ack_pending,
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(stream, config);
  }
}

/**
 * Recreates a durable consumer so that its next delivery is the first message it had not
 * acknowledged, and nothing is outstanding anywhere. A replica taking over a consumer whose
 * previous reader died uses this: otherwise the dead reader's unacked messages (and those its
 * pull requests still swallow) come back only after ack_wait, behind later ones, out of
 * stream order. Messages past the ack floor that were acked are delivered again; readers of
 * such a consumer must be idempotent.
 *
 * The new consumer starts AT the ack floor, one message early: nats-server 2.9 reports the
 * ack floor of a consumer created at sequence S as 0 (not S-1) until something is acked, and
 * whoever reads the floor (read-your-writes, purge completion) would see the projection
 * jump back to nothing. That one already-applied message is acked at once (stale) and the
 * floor is right again. The new consumer takes all of `config`, its ack policy included (which
 * an update could not change). Answers the first sequence it will deliver.
 */
export async function rewindConsumerToAckFloor(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
): Promise<number> {
  const info = await jsm.consumers.info(stream, config.durable_name).catch((error: unknown) => {
    if (isNotFound(error)) return null;
    throw error;
  });
  if (!info) {
    await jsm.consumers.add(stream, config);
    return 1;
  }
  const from = Math.max(1, info.ack_floor.stream_seq);
  await jsm.consumers.delete(stream, config.durable_name).catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
  await jsm.consumers.add(stream, { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
  return from;
}

/**
 * The audit service's readings of the JOBS stream: one durable consumer per event type the
 * trail records, so that the events of a normal job (created, started, progress, completed)
 * never reach it. nats-server 2.9 has no multi-subject filters; the audit merges the
 * consumers back into stream order.
 */
export function auditConsumerConfigs(): (Partial<ConsumerConfig> & { durable_name: string })[] {
  return AUDIT_ACTIONS.map((action) => ({
    durable_name: auditConsumerName(action),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: Subjects.eventsOfType(action),
    ack_wait: nanos(30_000),
    max_ack_pending: 10_000,
  }));
}

/**
 * Provisions the audit consumers. Where the single consumer of earlier versions
 * (`audit-recorder`, every job event) still exists, the new ones start where it had
 * acknowledged everything, so nothing recorded is read twice and nothing unrecorded is
 * skipped, and it is then removed. Answers what went wrong in removing it, if anything.
 */
export async function ensureAuditConsumers(jsm: JetStreamManager): Promise<string | null> {
  const legacy = await jsm.consumers.info(StreamName.Jobs, ConsumerName.LegacyAudit).catch((error: unknown) => {
    if (isNotFound(error)) return null;
    throw error;
  });
  const resumeAt = legacy ? legacy.ack_floor.stream_seq + 1 : 0;
  for (const config of auditConsumerConfigs()) {
    const exists = await jsm.consumers.info(StreamName.Jobs, config.durable_name).then(
      () => true,
      (error: unknown) => {
        if (isNotFound(error)) return false;
        throw error;
      },
    );
    if (!exists && resumeAt > 1) {
      await jsm.consumers.add(StreamName.Jobs, { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: resumeAt });
    } else {
      await ensureConsumer(jsm, StreamName.Jobs, config);
    }
  }
  if (!legacy) return null;
  return jsm.consumers.delete(StreamName.Jobs, ConsumerName.LegacyAudit).then(
    () => null,
    (error: unknown) => `could not remove the old consumer ${ConsumerName.LegacyAudit} (${(error as Error).message}); it is no longer read`,
  );
}

/**
 * Whether the audit service has acknowledged every JOBS event up to `seq` (already stored):
 * each of its consumers has acked past it, or has nothing undelivered and nothing unacked.
 * Null when the audit consumers do not exist (no audit service has ever run).
 */
export async function auditAckedUpTo(jsm: JetStreamManager, seq: number): Promise<{ acked: boolean; floor: number } | null> {
  const infos = await Promise.all(
    auditConsumerConfigs().map((config) =>
      jsm.consumers.info(StreamName.Jobs, config.durable_name).catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      }),
    ),
  );
  let acked = true;
  let floor = Infinity;
  for (const info of infos) {
    if (!info) return null;
    const done = info.ack_floor.stream_seq >= seq || (info.num_pending === 0 && info.num_ack_pending === 0);
    if (!done) {
      acked = false;
      floor = Math.min(floor, info.ack_floor.stream_seq);
    }
  }
  return { acked, floor: acked ? seq : floor };
}
