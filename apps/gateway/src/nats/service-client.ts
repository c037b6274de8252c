import type { Reply } from '@crux/contracts';
import { requestReply, RequestTooLargeError, ServiceFaultError, ServiceUnavailableError } from '@crux/messaging';
import type { ClientNats } from '@nestjs/microservices';
import { ApiHttpError } from '../errors/api-http-error.js';

/** The gateway's ClientProxy for `job.state.*` and `audit.*` (Nest's NATS transport; NatsModule). */
export const SERVICES_CLIENT = Symbol('ServicesClient');

/**
 * Request/reply with another Crux service through the gateway's ClientProxy, in the gateway's
 * HTTP terms. An error reply passes through with the status and fields the service chose
 * (404, 409, 410 …); no answer in time is a 503 naming the service; an answer that is not a
 * `Reply` is a 502; a request NATS would refuse to carry is a 413.
 */
export class ServiceClient {
  constructor(
    private readonly client: ClientNats,
    /** How the service is named in messages: "job state service", "audit service". */
    private readonly service: string,
  ) {}

  /** The raw reply, for callers that only care that the service answered at all (readiness). */
  async reply<Q, A>(subject: string, request: Q, timeoutMs: number): Promise<Reply<A>> {
    try {
      return await requestReply<A>(this.client, subject, request, timeoutMs);
    } catch (error) {
      if (error instanceof RequestTooLargeError) {
        throw new ApiHttpError(
          413,
          `the request is too large to pass to the ${this.service} (NATS max_payload is ${error.maxPayload} bytes); split it into smaller requests`,
        );
      }
      if (error instanceof ServiceUnavailableError) {
        throw new ApiHttpError(503, `the ${this.service} did not answer ${subject} within ${timeoutMs} ms; try again shortly`, undefined, {
          cause: error,
        });
      }
      if (error instanceof ServiceFaultError) throw this.notUnderstood(subject, error);
      throw error;
    }
  }

  async ask<Q, A>(subject: string, request: Q, timeoutMs: number): Promise<A> {
    const reply = await this.reply<Q, A>(subject, request, timeoutMs);
    if (reply?.ok === true) return reply.value;
    const error = reply?.ok === false ? reply.error : undefined;
    if (
      !error ||
      !Number.isInteger(error.status_code) ||
      error.status_code < 400 ||
      error.status_code > 599 ||
      typeof error.message !== 'string'
    ) {
      throw this.notUnderstood(subject);
    }
    throw ApiHttpError.fromApiError(error);
  }

  private notUnderstood(subject: string, cause?: unknown): ApiHttpError {
    return new ApiHttpError(
      502,
      `the ${this.service} gave an answer the gateway does not understand on ${subject}`,
      undefined,
      cause ? { cause } : undefined,
    );
  }
}
