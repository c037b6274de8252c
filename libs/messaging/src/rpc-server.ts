/**
 * The answering side of request/reply between services: Nest's NATS transport (`ServerNats`,
 * which `@MessagePattern` handlers run on), subscribed in a queue group so replicas share the
 * requests, and stopping without dropping answers it has started.
 */
import { Catch, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { ServerNats, type NatsContext } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { of, type Observable } from 'rxjs';
import { apiError, type Reply } from '@crux/contracts';
import { closeNats, natsConnectionOptions, type NatsConnectOptions } from './connection.js';

export interface RpcServerOptions extends NatsConnectOptions {
  /** The queue group every replica of the service joins: each request goes to one of them. */
  queue: string;
}

/**
 * `ServerNats` with the services' connection settings (credentials, reconnect forever, no async
 * traces) and a close that stops taking requests first, lets the answers in progress go out,
 * then drains. Nest's own close either cuts them off or, with `gracefulShutdown`, always waits
 * a fixed period; a replica that stops should hand new requests to the others at once and keep
 * none waiting.
 */
export class RpcServer extends ServerNats {
  private readonly answering = new Set<Promise<unknown>>();
  private stopping: Promise<void> | null = null;

  constructor({ queue, ...connection }: RpcServerOptions) {
    super({ ...natsConnectionOptions(connection), queue });
  }

  override handleMessage(channel: string, natsMsg: Msg): Promise<unknown> {
    const answer = super.handleMessage(channel, natsMsg);
    this.answering.add(answer);
    void answer.finally(() => this.answering.delete(answer)).catch(() => undefined);
    return answer;
  }

  /**
   * Answers `subject` with `handler`, without a Nest application around it: for a test's
   * stand-in for a service. Call before startAnswering().
   */
  answer<Q>(subject: string, handler: (request: Q) => Promise<Reply<unknown>> | Reply<unknown>): this {
    this.addHandler(subject, async (request: Q) => handler(request));
    return this;
  }

  /** listen() outside a Nest application; resolves once the server has the subscriptions, so no request finds nobody. */
  async startAnswering(): Promise<void> {
    await new Promise<void>((resolve, reject) => void this.listen((error?: unknown) => (error ? reject(error) : resolve())));
    await this.unwrap<NatsConnection>().flush();
  }

  /** Safe to call twice and before listen(). */
  override close(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    let nc: NatsConnection;
    try {
      nc = this.unwrap<NatsConnection>();
    } catch {
      return; // never listened
    }
    // Nest keeps the pattern subscriptions in a field its typings mark private.
    const subscriptions = (this as unknown as { subscriptions: Subscription[] }).subscriptions;
    // Unsubscribed, the queue group sends new requests to the other replicas.
    await Promise.allSettled(subscriptions.splice(0).map((sub) => sub.drain()));
    await Promise.allSettled([...this.answering]);
    // Nest publishes an answer on the tick after its handler settles.
    await new Promise((resolve) => setImmediate(resolve));
    await closeNats(nc);
    await super.close();
  }
}

/** The answer when a handler throws: the caller gets a 500 it can pass on, not a timeout. */
export function faultReply(service: string): Reply<never> {
  return { ok: false, error: apiError(500, 'Internal Server Error', `the ${service} failed to answer`) };
}

/**
 * Turns an exception in a `@MessagePattern` handler into `faultReply` and a log line, so a
 * `Reply<T>` is always what travels back.
 */
@Catch()
export class FaultAsReply implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Requests');

  constructor(private readonly service: string) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<Reply<never>> {
    const context = host.switchToRpc().getContext<NatsContext | undefined>();
    const subject = typeof context?.getSubject === 'function' ? context.getSubject() : 'a request';
    this.logger.error(
      `answering ${subject} failed: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
    );
    return of(faultReply(this.service));
  }
}
