/**
 * JSON request/reply over core NATS, for queries between services (gateway → job-state).
 * Replies are `Reply<T>`: an API error travels as data, so the gateway can answer with the
 * status code job-state chose.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { apiError, type Reply } from '@crux/contracts';

export type RequestHandler<Q, A> = (request: Q) => Promise<Reply<A>>;

export function serveJson<Q, A>(
  nc: NatsConnection,
  subject: string,
  queue: string,
  handler: RequestHandler<Q, A>,
  onError: (error: unknown) => void = () => undefined,
): Subscription {
  return nc.subscribe(subject, {
    queue,
    callback: (err, msg) => {
      if (err) return onError(err);
      let request: Q;
      try {
        request = msg.json<Q>();
      } catch {
        msg.respond(JSON.stringify({ ok: false, error: apiError(400, 'Bad Request', 'request is not JSON') }));
        return;
      }
      handler(request)
        .catch((error: unknown): Reply<A> => {
          onError(error);
          return { ok: false, error: apiError(500, 'Internal Server Error', 'the state service failed to answer') };
        })
        .then((reply) => msg.respond(JSON.stringify(reply)));
    },
  });
}

export class ServiceUnavailableError extends Error {
  constructor(subject: string, options?: ErrorOptions) {
    super(`no answer on ${subject}`, options);
    this.name = 'ServiceUnavailableError';
  }
}

export async function requestJson<Q, A>(
  nc: NatsConnection,
  subject: string,
  request: Q,
  timeoutMs: number,
): Promise<Reply<A>> {
  try {
    const msg = await nc.request(subject, JSON.stringify(request), { timeout: timeoutMs });
    return msg.json<Reply<A>>();
  } catch (error) {
    throw new ServiceUnavailableError(subject, { cause: error });
  }
}
