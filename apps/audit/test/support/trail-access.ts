import {
  StreamName,
  Subjects,
  type AuditPage,
  type AuditQuery,
  type AuditRecord,
  type ChainVerdict,
  type JobEvent,
  type Reply,
} from '@crux/contracts';
import {
  auditAckedUpTo,
  createRpcClient,
  jetstream,
  jetstreamManager,
  publishEvent,
  requestReply,
  type JetStreamManager,
  type NatsConnection,
  type PubAck,
} from '@crux/messaging';
import type { ClientNats } from '@nestjs/microservices';
import { waitFor } from '@crux/test-harness';

/**
 * What a test sees of the audit service from outside: it publishes JOBS events, reads the
 * AUDIT stream message by message (independently of the service's own reader), and asks
 * `audit.query` / `audit.verify` like the gateway does, through a ClientProxy.
 */
export class TrailAccess {
  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    private readonly client: ClientNats,
  ) {}

  /** `natsUrl`: the server `nc` is connected to, for the ClientProxy's own connection. */
  static async open(nc: NatsConnection, natsUrl: string): Promise<TrailAccess> {
    return new TrailAccess(nc, await jetstreamManager(nc), createRpcClient({ url: natsUrl, name: 'trail-access' }));
  }

  /** Closes the ClientProxy; `nc` stays the caller's. */
  close(): Promise<void> {
    return this.client.close();
  }

  publish(event: JobEvent): Promise<PubAck> {
    return publishEvent(jetstream(this.nc), event);
  }

  async count(): Promise<number> {
    try {
      return (await this.jsm.streams.info(StreamName.Audit)).state.messages;
    } catch {
      return 0;
    }
  }

  /** Every message of the AUDIT stream in order, as raw text with its sequence. */
  async raw(): Promise<Array<{ seq: number; subject: string; text: string }>> {
    const { last_seq: last } = (await this.jsm.streams.info(StreamName.Audit)).state;
    const out: Array<{ seq: number; subject: string; text: string }> = [];
    for (let from = 1; from <= last; from += 200) {
      const seqs = Array.from({ length: Math.min(200, last - from + 1) }, (_, i) => from + i);
      const msgs = await Promise.all(seqs.map((seq) => this.jsm.streams.getMessage(StreamName.Audit, { seq })));
      for (const m of msgs) if (m) out.push({ seq: m.seq, subject: m.subject, text: m.string() });
    }
    return out;
  }

  async records(): Promise<AuditRecord[]> {
    return (await this.raw()).map((m) => ({ ...(JSON.parse(m.text) as AuditRecord), sequence: m.seq }));
  }

  async recordsOf(eventId: string): Promise<AuditRecord[]> {
    return (await this.records()).filter((r) => r.source_event_id === eventId);
  }

  /** Waits until the trail holds a record of each event id. */
  async waitRecorded(eventIds: string[], timeoutMs = 30_000): Promise<AuditRecord[]> {
    return waitFor(
      async () => {
        const records = await this.records();
        const ids = new Set(records.map((r) => r.source_event_id));
        return eventIds.every((id) => ids.has(id)) ? records : undefined;
      },
      { what: `records of ${eventIds.length} events`, timeoutMs, intervalMs: 200 },
    );
  }

  /** Waits until the trail holds `n` messages. */
  waitCount(n: number, timeoutMs = 30_000, intervalMs = 200): Promise<number> {
    return waitFor(async () => ((await this.count()) >= n ? this.count() : undefined), {
      what: `${n} records in the trail`,
      timeoutMs,
      intervalMs,
    });
  }

  query(q: Partial<AuditQuery> | Record<string, unknown>): Promise<Reply<AuditPage>> {
    return requestReply<AuditPage>(this.client, Subjects.auditQuery, q, 10_000);
  }

  verify(): Promise<Reply<ChainVerdict>> {
    return requestReply<ChainVerdict>(this.client, Subjects.auditVerify, {}, 30_000);
  }

  /** Waits until the recorder has acked everything the JOBS stream holds. */
  async waitSettled(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      async () => {
        const jobs = await this.jsm.streams.info(StreamName.Jobs);
        return (await auditAckedUpTo(this.jsm, jobs.state.last_seq))?.acked === true;
      },
      { what: 'the recorder to ack every JOBS event', timeoutMs, intervalMs: 100 },
    );
  }
}
