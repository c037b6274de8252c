import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isTerminal, StreamName, Subjects, type EventEnvelope, type GoneError, type JobCreated, type JobDeleted } from '@crux/contracts';
import { JobEventFeed } from '@crux/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { ApiHttpError } from '../errors/api-http-error.js';
import { clientGone } from '../http/client-gone.js';
import { maySee, ownerScope, type Principal } from '../auth/principal.js';
import { JobStateClient } from '../jobs/job-state.client.js';
import { NatsService } from '../nats/nats.service.js';
import { OpenStreams } from './open-streams.js';
import { parseLastEventId, ReplayCursor } from './replay-cursor.js';
import { SSE_HEARTBEAT, SSE_RETRY, sseEvent } from './sse-format.js';
import { StreamQuota } from './stream-quota.js';

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  // nginx and friends would otherwise buffer the stream.
  'X-Accel-Buffering': 'no',
};

/** Streams end when their jobs do: a refused client may well get one a few seconds later. */
const STREAM_RETRY_AFTER_S = 5;

/** The terminal events (see isTerminalEvent): whether a resuming client has seen one is asked of these. */
const TERMINAL_EVENTS = ['completed', 'failed', 'cancel'] as const;

/**
 * GET /jobs/{id}/events: a job's history from the JOBS stream, then its live events, as SSE.
 * Each stream holds a slot of the per-key and per-gateway caps for as long as it is open, and
 * reads the stream one event at a time, no faster than the client takes them: a slow or
 * stalled reader holds one event in memory, never the job's history.
 */
@Injectable()
export class JobEventsService {
  private readonly logger = new Logger('JobEvents');
  private readonly quota: StreamQuota;

  constructor(
    private readonly nats: NatsService,
    private readonly state: JobStateClient,
    private readonly streams: OpenStreams,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.quota = new StreamQuota(config.settings.sseMaxStreamsPerKey, config.settings.sseMaxStreams);
  }

  async stream(jobId: string, principal: Principal, lastEventIdHeader: string | string[] | undefined, reply: FastifyReply): Promise<void> {
    const lastEventId = parseLastEventId(lastEventIdHeader);
    if (lastEventId === 'invalid')
      throw new ApiHttpError(400, 'Last-Event-ID must be the id of an event this stream sent (a whole number)');
    const slot = this.quota.acquire(principal.name);
    if (slot === 'key' || slot === 'gateway') throw this.refusal(slot, principal);
    try {
      const located = await this.locate(jobId, principal);
      // A resuming client is sent what came after its last event: only that is read from the stream.
      const startSeq = lastEventId === null ? located.startSeq : Math.max(located.startSeq, lastEventId + 1);
      const ended = located.ended || (lastEventId !== null && (await this.endedBy(jobId, lastEventId)));
      const feed = await this.openFeed(jobId, startSeq);
      const cursor = new ReplayCursor(lastEventId, ended);
      const res = reply.raw;
      const tracked = this.streams.track(() => feed.close());
      const stop = () => feed.close();
      res.once('close', stop);
      if (clientGone(res)) stop();
      try {
        await this.pump(feed, cursor, reply);
      } finally {
        res.off('close', stop);
        feed.close();
        tracked.done();
      }
    } finally {
      slot.release();
    }
  }

  private refusal(reason: 'key' | 'gateway', principal: Principal): ApiHttpError {
    const error =
      reason === 'key'
        ? new ApiHttpError(
            429,
            `the API key '${principal.name}' already has ${this.quota.maxPerKey} event streams open on this gateway (CRUX_SSE_MAX_STREAMS_PER_KEY); ` +
              `close one, or retry after ${STREAM_RETRY_AFTER_S} s`,
            { retry_after_s: STREAM_RETRY_AFTER_S },
          )
        : new ApiHttpError(
            503,
            `this gateway already has ${this.quota.maxTotal} event streams open (CRUX_SSE_MAX_STREAMS); retry after ${STREAM_RETRY_AFTER_S} s`,
            { retry_after_s: STREAM_RETRY_AFTER_S },
          );
    error.headers = { 'Retry-After': String(STREAM_RETRY_AFTER_S) };
    return error;
  }

  /** Whether the job's end is among the events up to `lastEventId`, which the client has seen. */
  private async endedBy(jobId: string, lastEventId: number): Promise<boolean> {
    const ends = await Promise.all(TERMINAL_EVENTS.map((type) => this.lastEvent(Subjects.jobEvent(type, jobId))));
    return ends.some((end) => end !== null && end.seq <= lastEventId);
  }

  /** Writes the job's events until it has ended, the client has gone, or the gateway stops. */
  private async pump(feed: JobEventFeed, cursor: ReplayCursor, reply: FastifyReply): Promise<void> {
    const res = reply.raw;
    let heartbeat: NodeJS.Timeout | undefined;
    const openStream = () => {
      if (res.headersSent) return;
      // From here on the stream is written to the socket, not through Fastify's reply.
      reply.hijack();
      res.writeHead(200, SSE_HEADERS);
      res.write(SSE_RETRY);
      heartbeat = setInterval(() => res.write(SSE_HEARTBEAT), this.config.sseHeartbeatMs);
    };
    try {
      for (;;) {
        let item = await feed.next(false);
        if (!item) {
          // Caught up with what is stored: done if the job has ended, otherwise live from here.
          if (cursor.ended || feed.isClosed) break;
          openStream();
          item = await feed.next(true);
          if (!item) break;
        }
        if (cursor.step({ seq: item.seq, type: item.event.type })) {
          openStream();
          if (!res.write(sseEvent(item))) await drained(res);
        }
      }
    } catch (error) {
      if (!res.headersSent)
        throw new ApiHttpError(503, 'the job event log (JetStream) is not answering; try again shortly', undefined, { cause: error });
      // Mid-stream: end it; the client resumes with Last-Event-ID.
      this.logger.warn(`event stream of job ${feed.jobId} broke off: ${(error as Error).message}`);
    } finally {
      clearInterval(heartbeat);
    }
    if (clientGone(res)) return;
    if (!res.headersSent) {
      // The job is over and the client had seen all of it. 204 tells an EventSource to stop
      // reconnecting, where an empty 200 stream would make it retry forever.
      if (cursor.ended && cursor.nothingNew) reply.code(204).send();
      else throw new ApiHttpError(503, 'the gateway is shutting down; reconnect in a moment');
      return;
    }
    res.end();
  }

  /**
   * The stream sequence of the job's first event, once the caller may see the job. The
   * JOBS stream is the source of truth and knows a job the moment it is submitted, before
   * job-state has projected it; a job not visible to the caller answers exactly as job-state
   * answers an unknown one.
   */
  private async locate(jobId: string, principal: Principal): Promise<{ startSeq: number; ended: boolean }> {
    const created = await this.createdEvent(jobId);
    const owner = ownerScope(principal);
    if (created && maySee(principal, created.event.data.owner)) {
      const deletion = await this.standingDeletion(jobId);
      if (deletion) await this.refuseDeleted(jobId, deletion, owner);
      return { startSeq: created.seq, ended: false };
    }
    // Not visible, or no longer in the stream: job-state decides (404, 410, or a view).
    const view = await this.state.get(owner === undefined ? { job_id: jobId } : { job_id: jobId, owner });
    if (created) throw new ApiHttpError(404, `job ${jobId} not found`);
    // Known to job-state, but its history has left the stream: stream whatever is left.
    return { startSeq: 1, ended: isTerminal(view.status) };
  }

  private async createdEvent(jobId: string): Promise<{ seq: number; event: JobCreated } | null> {
    return this.lastEvent<JobCreated>(Subjects.jobEvent('created', jobId));
  }

  /**
   * The job's latest `deleted` event when no `restored` came after it: its history is still
   * in the stream (a purge without erase keeps it, as the archive), but the job is gone.
   */
  private async standingDeletion(jobId: string): Promise<JobDeleted | null> {
    const deleted = await this.lastEvent<JobDeleted>(Subjects.jobEvent('deleted', jobId));
    if (!deleted) return null;
    const restored = await this.lastEvent(Subjects.jobEvent('restored', jobId));
    return restored && restored.seq > deleted.seq ? null : deleted.event;
  }

  /**
   * Answers a deleted job as GET /jobs/{id} does: job-state's 410 (when, why, by whom). Should
   * job-state not show the deletion yet, the 410 is made from the event itself.
   */
  private async refuseDeleted(jobId: string, deletion: JobDeleted, owner: string | undefined): Promise<never> {
    await this.state.get(owner === undefined ? { job_id: jobId } : { job_id: jobId, owner });
    const gone: GoneError = {
      status_code: 410,
      error: 'Gone',
      message: `job ${jobId} was deleted (${deletion.data.reason}) at ${deletion.occurred_at} by ${deletion.actor.id}`,
      deleted_at: deletion.occurred_at,
      reason: deletion.data.reason,
      actor: deletion.actor,
    };
    throw ApiHttpError.fromApiError(gone);
  }

  private async lastEvent<T extends EventEnvelope>(subject: string): Promise<{ seq: number; event: T } | null> {
    try {
      const jsm = await this.nats.jsm();
      const msg = await jsm.streams.getMessage(StreamName.Jobs, { last_by_subj: subject });
      return msg ? { seq: msg.seq, event: msg.json<T>() } : null;
    } catch (error) {
      throw new ApiHttpError(503, 'the job event log (JetStream) is not answering; try again shortly', undefined, { cause: error });
    }
  }

  private async openFeed(jobId: string, startSeq: number): Promise<JobEventFeed> {
    try {
      return await JobEventFeed.open(this.nats.nc, await this.nats.jsm(), jobId, startSeq, {
        onSkip: (seq, subject) => this.logger.warn(`skipping message ${seq} on ${subject}: not a JSON event`),
      });
    } catch (error) {
      throw new ApiHttpError(503, 'cannot follow the job event log (JetStream) right now; try again shortly', undefined, { cause: error });
    }
  }
}

/** Waits until the socket takes more (or the client has gone): the client sets the pace. */
async function drained(res: ServerResponse): Promise<void> {
  if (clientGone(res)) return;
  const done = new AbortController();
  const wait = (event: string) => once(res, event, { signal: done.signal }).catch(() => undefined);
  await Promise.race([wait('drain'), wait('close')]);
  done.abort();
}
