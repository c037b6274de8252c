import { QueueGroup, Subjects, type AuditPage, type AuditQuery, type AuditRecord, type ChainVerdict, type Reply } from '@crux/contracts';
import { RpcServer } from '@crux/messaging';

/**
 * Stands in for the audit service on `audit.query` / `audit.verify`, on the same Nest NATS
 * transport and queue group, recording what it was asked.
 */
export class AuditResponder {
  readonly queries: AuditQuery[] = [];
  verifies = 0;

  private constructor(private readonly server: RpcServer) {}

  static async start(
    natsUrl: string,
    answerQuery: (query: AuditQuery) => Reply<AuditPage> = () => ({ ok: true, value: { records: [], next_cursor: null } }),
    answerVerify: () => Reply<ChainVerdict> = () => ({
      ok: true,
      value: { ok: true, records_checked: 0, first_bad_sequence: null, problem: null },
    }),
  ): Promise<AuditResponder> {
    const server = new RpcServer({ url: natsUrl, name: 'audit-responder', queue: QueueGroup.Audit });
    const responder = new AuditResponder(server);
    server
      .answer<AuditQuery>(Subjects.auditQuery, (query) => {
        responder.queries.push(query);
        return answerQuery(query);
      })
      .answer(Subjects.auditVerify, () => {
        responder.verifies++;
        return answerVerify();
      });
    await server.startAnswering();
    return responder;
  }

  stop(): Promise<void> {
    return this.server.close();
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
