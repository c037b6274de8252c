/**
 * Crux as the lifecycle benchmark drives it: the whole system (gateway, job-state, worker
 * with its pool of children, audit) as built processes; jobs added the way a user adds them,
 * POST /api/v1/solve/basic over HTTP; completion seen the way any client can see it, a core
 * NATS subscription on `job.completed.*` (JetStream publishes reach core subscribers).
 * The per-stage timestamps are read back from the JOBS stream after a phase, so measuring
 * them adds nothing to the measured path.
 */
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { ConsumerName, JobEventType, StreamName, Subjects } from '@crux/contracts';
import { closeNats, connectNats, jetstream, jetstreamManager } from '@crux/messaging';
import { AUTH_HEADERS, CruxSystem, SOLVE_BODY, SOLVE_PATH, auditBacklog, backlog, cruxProcesses, processEnv } from '../lib/crux.mjs';
import { jsonClient } from '../lib/http-client.mjs';
import { JobLog, epochNow } from './job-log.mjs';

/** @typedef {import('./job-log.mjs').JobTimes} JobTimes */

/**
 * @param {{ concurrency: number, inFlight: number, services: Record<string, number> }} options
 * @returns {Promise<import('./driver.mjs').Driver & { system: CruxSystem }>}
 */
export async function startCrux({ concurrency, inFlight, services }) {
  const system = await CruxSystem.start({
    services,
    env: processEnv({ CRUX_PROVIDER: 'simulated', CRUX_SIMULATED_LATENCY_MS: '0', CRUX_WORKER_CONCURRENCY: String(concurrency) }),
  });
  /** @type {import('@crux/messaging').NatsConnection | undefined} */
  let nc;
  /** @type {ReturnType<typeof jsonClient> | undefined} */
  let client;
  try {
    nc = await connectNats({ url: system.nats.url, name: 'bench-observer' });
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const log = new JobLog();
    const idOf = (/** @type {string} */ subject) => subject.slice(subject.lastIndexOf('.') + 1);
    // Nothing is decoded on the hot path: the subject names the job.
    nc.subscribe(Subjects.eventsOfType(JobEventType.Completed), {
      callback: (error, msg) => {
        if (!error) log.observed(idOf(msg.subject), epochNow());
      },
    });
    nc.subscribe(Subjects.eventsOfType(JobEventType.Failed), {
      callback: (error, msg) => {
        if (!error) log.failed(idOf(msg.subject), msg.string());
      },
    });
    await nc.flush();
    let phaseStartSeq = 1;

    client = jsonClient({ baseUrl: system.url, headers: AUTH_HEADERS, maxSockets: inFlight });
    const http = client;
    const observer = nc;
    const backlogs = async () => {
      const [queue, projection, audit] = await Promise.all([
        backlog(jsm, ConsumerName.Workers),
        backlog(jsm, ConsumerName.Projector),
        auditBacklog(jsm),
      ]);
      return { 'work queue (workers)': queue, 'projection (job-state)': projection, 'trail (audit)': audit };
    };

    return {
      name: 'Crux',
      system,
      log,
      async submit(dueAt) {
        const sentAt = epochNow();
        const answer = await http.post(SOLVE_PATH, SOLVE_BODY);
        if (answer.status !== 202 || typeof answer.body?.job_id !== 'string') {
          throw new Error(`POST ${SOLVE_PATH} answered ${answer.status} ${JSON.stringify(answer.body)}`);
        }
        const job = log.job(answer.body.job_id);
        Object.assign(job, { dueAt: dueAt ?? sentAt, sentAt, acceptedAt: epochNow() });
        return job;
      },
      async markPhase() {
        phaseStartSeq = (await jsm.streams.info(StreamName.Jobs)).state.last_seq + 1;
      },
      async fillStages(jobs) {
        const wanted = new Map(jobs.map((job) => [job.id, job]));
        /** @type {Array<[string, 'createdAt' | 'startedAt' | 'completedAt']>} */
        const stages = [
          [JobEventType.Created, 'createdAt'],
          [JobEventType.Started, 'startedAt'],
          [JobEventType.Completed, 'completedAt'],
        ];
        for (const [type, field] of stages) {
          await readStream(jsm, js, Subjects.eventsOfType(/** @type {any} */ (type)), phaseStartSeq, (subject, event) => {
            const job = wanted.get(idOf(subject));
            // A redelivered job has two `started`: the first is when it began.
            if (job && job[field] === undefined) job[field] = Date.parse(event.occurred_at);
          });
        }
      },
      backlogs,
      async quiesce(timeoutMs) {
        const deadline = performance.now() + timeoutMs;
        for (;;) {
          const left = Object.values(await backlogs()).reduce((a, b) => (a ?? 0) + (b ?? 0), 0) ?? 0;
          if (left === 0) return;
          if (performance.now() > deadline)
            throw new Error(`Crux still had ${left} messages to process ${timeoutMs / 1000} s after the last job`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      processes: cruxProcesses(system),
      async stopProcesses() {
        await Promise.all([...system.processes.values()].map((p) => p.stop()));
      },
      async close() {
        http.close();
        await closeNats(observer);
        await system.stop();
      },
    };
  } catch (error) {
    client?.close();
    await closeNats(nc);
    await system.stop();
    throw error;
  }
}

/**
 * Reads every stored event on `subject` from `startSeq` on, through a temporary consumer
 * (nats-server 2.9 accepts a filter that is a subset of one stream subject, as these are).
 * @param {import('@crux/messaging').JetStreamManager} jsm
 * @param {import('@crux/messaging').JetStreamClient} js
 * @param {string} subject
 * @param {number} startSeq
 * @param {(subject: string, event: { occurred_at: string }) => void} each
 */
async function readStream(jsm, js, subject, startSeq, each, timeoutMs = 60_000) {
  const info = await jsm.consumers.add(StreamName.Jobs, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: startSeq,
    filter_subject: subject,
    inactive_threshold: 60_000_000_000,
    mem_storage: true,
  });
  try {
    const consumer = await js.consumers.get(StreamName.Jobs, info.name);
    const deadline = performance.now() + timeoutMs;
    let left = info.num_pending;
    while (left > 0) {
      if (performance.now() > deadline)
        throw new Error(`reading ${subject} from ${StreamName.Jobs}: ${left} events still unread after ${timeoutMs / 1000} s`);
      const batch = await consumer.fetch({ max_messages: Math.min(left, 1000), expires: 2000 });
      for await (const msg of batch) {
        each(msg.subject, msg.json());
        left = msg.info.pending;
      }
    }
  } finally {
    await jsm.consumers.delete(StreamName.Jobs, info.name).catch(() => undefined);
  }
}
