import type { Reply } from '@crux/contracts';
import { requestJson, ServiceUnavailableError, type NatsConnection } from '@crux/messaging';
import { ApiHttpError } from '../errors/api-http-error.js';

/**
 * Request/reply with another Crux service over core NATS, in the gateway's HTTP terms. An
 * error reply passes through with the status and fields the service chose (404, 409, 410 …);
 * no answer in time is a 503 naming the service; an answer that is not a `Reply` is a 502.
 */
export class ServiceClient {
  constructor(
    private readonly nc: () => NatsConnection,
    /** How the service is named in messages: "job state service", "audit service". */
    private readonly service: string,
  ) {}

  /** The raw reply, for callers that only care that the service answered at all (readiness). */
  async reply<Q, A>(subject: string, request: Q, timeoutMs: number): Promise<Reply<A>> {
    const nc = this.nc();
    const maxPayload = nc.info?.max_payload;
    if (maxPayload && Buffer.byteLength(JSON.stringify(request)) > maxPayload) {
      // nats.js refuses to send it; without this the client would hear "did not answer".
      throw new ApiHttpError(413, `the request is too large to pass to the ${this.service} (NATS max_payload is ${maxPayload} bytes); split it into smaller requests`);
    }
    try {
      return await requestJson<Q, A>(nc, subject, request, timeoutMs);
    } catch (error) {
      if (error instanceof ServiceUnavailableError) {
        throw new ApiHttpError(503, `the ${this.service} did not answer ${subject} within ${timeoutMs} ms; try again shortly`, undefined, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async ask<Q, A>(subject: string, request: Q, timeoutMs: number): Promise<A> {
    const reply = await this.reply<Q, A>(subject, request, timeoutMs);
    if (reply?.ok === true) return reply.value;
    const error = reply?.ok === false ? reply.error : undefined;
    if (!error || !Number.isInteger(error.status_code) || error.status_code < 400 || error.status_code > 599 || typeof error.message !== 'string') {
      throw new ApiHttpError(502, `the ${this.service} gave an answer the gateway does not understand on ${subject}`);
    }
    throw ApiHttpError.fromApiError(error);
  }
}
