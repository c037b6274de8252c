import { QueueGroup, Subjects, type AuditPage, type AuditQuery, type AuditRecord, type ChainVerdict, type Reply } from '@crux/contracts';
import { serveJson, type NatsConnection } from '@crux/messaging';

/** Stands in for the audit service on `audit.query` / `audit.verify`, recording what it was asked. */
export class AuditResponder {
  readonly queries: AuditQuery[] = [];
  verifies = 0;
  private readonly subs: { unsubscribe(): void }[];

  private constructor(
    nc: NatsConnection,
    answerQuery: (query: AuditQuery) => Reply<AuditPage>,
    answerVerify: () => Reply<ChainVerdict>,
  ) {
    this.subs = [
      serveJson<AuditQuery, AuditPage>(nc, Subjects.auditQuery, QueueGroup.Audit, async (query) => {
        this.queries.push(query);
        return answerQuery(query);
      }),
      serveJson<unknown, ChainVerdict>(nc, Subjects.auditVerify, QueueGroup.Audit, async () => {
        this.verifies++;
        return answerVerify();
      }),
    ];
  }

  static async start(
    nc: NatsConnection,
    answerQuery: (query: AuditQuery) => Reply<AuditPage> = () => ({ ok: true, value: { records: [], next_cursor: null } }),
    answerVerify: () => Reply<ChainVerdict> = () => ({ ok: true, value: { ok: true, records_checked: 0, first_bad_sequence: null, problem: null } }),
  ): Promise<AuditResponder> {
    const responder = new AuditResponder(nc, answerQuery, answerVerify);
    await nc.flush();
    return responder;
  }

  stop(): void {
    for (const sub of this.subs) sub.unsubscribe();
  }
}

export function auditRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    action: 'deleted',
    job_id: '7d0f6a3e-2c4b-4e8f-9a1d-5b6c7d8e9f00',
    actor: { kind: 'user', id: 'ops' },
    reason: 'purge',
    occurred_at: '2026-01-02T03:04:05.000Z',
    recorded_at: '2026-01-02T03:04:05.100Z',
    source_event_id: '0b9f2c7e-7d1a-4c55-9e8f-1a2b3c4d5e6f',
    content_hash: 'a'.repeat(64),
    details: { plan_id: 'p' },
    prev_hash: '0'.repeat(64),
    hash: 'b'.repeat(64),
    sequence: 1,
    ...overrides,
  };
}
