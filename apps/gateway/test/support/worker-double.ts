import { followEvent, serviceActor, type EventEnvelope, type JobCreated, type JobEventType } from '@crux/contracts';
import { publishEvent, type JetStreamClient, type NatsConnection } from '@crux/messaging';

/** Acts as the worker: publishes a job's lifecycle events after its created event. */
export async function publishAsWorker(js: JetStreamClient, created: EventEnvelope, steps: [JobEventType, unknown][]): Promise<number[]> {
  const seqs: number[] = [];
  for (const [type, data] of steps) {
    const event = followEvent(created, type, serviceActor('test-worker'), data);
    seqs.push((await publishEvent(js, event as EventEnvelope<JobEventType>)).seq);
  }
  return seqs;
}

/**
 * Created events as they are published (core subscription), for tests that must react to a
 * submit still in flight. Resolves once the server has the subscription, so none is missed.
 */
export async function watchCreated(nc: NatsConnection): Promise<{ next(): Promise<JobCreated>; stop(): void }> {
  const queue: JobCreated[] = [];
  const waiting: ((event: JobCreated) => void)[] = [];
  const sub = nc.subscribe('job.created.*', {
    callback: (_err, msg) => {
      const event = msg.json<JobCreated>();
      const waiter = waiting.shift();
      if (waiter) waiter(event);
      else queue.push(event);
    },
  });
  await nc.flush();
  return {
    next: () => {
      const ready = queue.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    stop: () => sub.unsubscribe(),
  };
}

export const completedResult = {
  result: {
    output: 'The answer is 4.',
    iterations: 2,
    total_tokens: 321,
    processing_time: 0.4,
    converged: true,
    stop_reason: 'evaluator_stop',
    metadata: { provider: 'simulated' },
  },
};
