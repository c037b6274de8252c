/**
 * The asking side of request/reply between services: a `ClientProxy` on Nest's NATS transport
 * (`ClientNats`), with what every caller needs on top — a deadline, a request too large for
 * the server refused before it is sent, and one error for "the service did not answer".
 * Answers are `Reply<T>`: an API error travels as data, so the caller can pass on the status
 * code the service chose.
 */
import { ClientNats } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { defer, firstValueFrom, mergeMap, retry, tap, throwError, timeout, timer, TimeoutError } from 'rxjs';
import type { Reply } from '@crux/contracts';
import { natsConnectionOptions, type NatsConnectOptions } from './connection.js';

/** A `ClientNats` with the services' connection settings (credentials, reconnect forever, no async traces). */
export function createRpcClient(options: NatsConnectOptions): ClientNats {
  return new ClientNats(natsConnectionOptions(options));
}

/** No answer: the deadline passed, no replica listens, or the connection is down. */
export class ServiceUnavailableError extends Error {
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`no answer on ${subject} within ${timeoutMs} ms`, options);
    this.name = 'ServiceUnavailableError';
  }
}

/** The request is larger than the server's max_payload: it cannot be sent at all. */
export class RequestTooLargeError extends Error {
  constructor(
    readonly subject: string,
    readonly maxPayload: number,
  ) {
    super(`the request on ${subject} is larger than the server's max_payload (${maxPayload} bytes)`);
    this.name = 'RequestTooLargeError';
  }
}

/** The service answered with a transport error instead of a Reply (Nest's own `{status, message}`, say). */
export class ServiceFaultError extends Error {
  constructor(
    readonly subject: string,
    readonly fault: unknown,
  ) {
    super(`the service answered ${subject} with an error instead of a reply: ${typeof fault === 'string' ? fault : JSON.stringify(fault)}`);
    this.name = 'ServiceFaultError';
  }
}

/** What Nest's transport sends for one request: the pattern, the data and a 36-character id. */
export function packetBytes(subject: string, payload: unknown): number {
  return Buffer.byteLength(JSON.stringify({ pattern: subject, data: payload, id: '00000000-0000-0000-0000-000000000000' }));
}

/** How often a request waiting for a lost connection checks whether it is back. */
const RECONNECT_POLL_MS = 100;

/** ClientNats rejects with this string (not an Error) while its connection is being re-established. */
export function isReconnecting(error: unknown): boolean {
  return typeof error === 'string' && error.startsWith('Error: Connection lost');
}

/** ClientNats's answer when no replica listens on the subject (nats "no responders"); its class is not exported. */
export function isNoResponders(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Empty response. There are no subscribers listening');
}

/**
 * Sorts a failure of `client.send`: errors of the client itself (the deadline, no responders,
 * a closed or lost connection — Errors, or the string ClientNats rejects with while it
 * reconnects) mean no answer; anything else came from the service.
 */
export function classifyFailure(subject: string, timeoutMs: number, error: unknown): Error {
  if (error instanceof RequestTooLargeError) return error;
  if (error instanceof TimeoutError || error instanceof Error) return new ServiceUnavailableError(subject, timeoutMs, { cause: error });
  if (isReconnecting(error)) return new ServiceUnavailableError(subject, timeoutMs, { cause: error });
  return new ServiceFaultError(subject, error);
}

/**
 * Asks `subject` and waits at most `timeoutMs` for the service's Reply, connecting included:
 * while the connection is lost (a NATS node restarting, say) the request waits for it to come
 * back rather than failing at once. Throws ServiceUnavailableError, RequestTooLargeError or
 * ServiceFaultError.
 */
export async function requestReply<A>(client: ClientNats, subject: string, payload: unknown, timeoutMs: number): Promise<Reply<A>> {
  let waitedForConnection = false;
  const answer$ = defer(() => client.connect()).pipe(
    tap(() => {
      const maxPayload = (client.unwrap<NatsConnection>().info?.max_payload ?? 0) as number;
      // The client would refuse to publish it, and the caller hear only "no answer".
      if (maxPayload > 0 && packetBytes(subject, payload) > maxPayload) throw new RequestTooLargeError(subject, maxPayload);
    }),
    mergeMap(() => client.send<Reply<A>, unknown>(subject, payload)),
    // Only a connection being re-established is waited out: nothing was sent then. Back from
    // it, "no responders" is waited out too: the services' connections come back on their own
    // schedule, and may not have subscribed again yet. On a connection that never dropped,
    // nobody listening is said at once.
    retry({
      delay: (error: unknown) => {
        if (isReconnecting(error)) waitedForConnection = true;
        else if (!(waitedForConnection && isNoResponders(error))) return throwError(() => error);
        return timer(RECONNECT_POLL_MS);
      },
    }),
    timeout({ first: timeoutMs }),
  );
  try {
    return await firstValueFrom(answer$);
  } catch (error) {
    throw classifyFailure(subject, timeoutMs, error);
  }
}
