/**
 * The audit trail behind the fake gateway: records sealed into a hash chain with the
 * contracts' own `sealRecord`, served the way the audit service serves them (oldest
 * first; a page may stop short of `limit` when the scan budget runs out, and only
 * `next_cursor: null` means the end), verified with `verifyChain`, and open to tampering.
 */
// eslint-disable-next-line @nx/enforce-module-boundaries -- tests may load the contracts eagerly; the rule keeps src/ to type-only imports (the CLI loads them lazily)
import { GENESIS_HASH, sealRecord, verifyChain, type Actor, type AuditAction, type AuditRecord, type ChainVerdict } from '@crux/contracts';
import { randomUUID } from 'node:crypto';

export type TrailAnswer = { ok: true; page: { records: AuditRecord[]; next_cursor: string | null } } | { ok: false; message: string };

export class FakeTrail {
  readonly records: AuditRecord[] = [];
  /** Records one page request may look at before answering with what it has (the real service scans up to 100,000). */
  scanBudget = Infinity;

  append(
    action: AuditAction,
    jobId: string,
    actor: Actor,
    reason: string | null,
    details: Record<string, unknown> = {},
    occurredAt = new Date(),
  ): AuditRecord {
    const at = occurredAt.toISOString();
    const record: AuditRecord = {
      ...sealRecord({
        action,
        job_id: jobId,
        actor,
        reason,
        occurred_at: at,
        recorded_at: new Date().toISOString(),
        source_event_id: randomUUID(),
        content_hash: action === 'deleted' ? 'c'.repeat(64) : null,
        details,
        prev_hash: this.records.at(-1)?.hash ?? GENESIS_HASH,
      }),
      sequence: this.records.length + 1,
    };
    this.records.push(record);
    return record;
  }

  /** Changes a stored record without resealing it, as an attacker editing the store would. */
  tamper(sequence: number, change: (record: AuditRecord) => AuditRecord): void {
    this.records[sequence - 1] = change(this.records[sequence - 1]);
  }

  verify(): ChainVerdict {
    return verifyChain(this.records);
  }

  query(params: URLSearchParams): TrailAnswer {
    const limit = Number(params.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return { ok: false, message: 'limit must be a whole number from 1 to 1000' };
    let start = 0;
    const cursor = params.get('cursor');
    if (cursor) {
      start = Number(Buffer.from(cursor, 'base64url').toString());
      if (!Number.isInteger(start) || start < 0) return { ok: false, message: 'cursor is not one this service issued' };
    }
    const since = params.get('since') ? Date.parse(params.get('since') as string) : undefined;
    const until = params.get('until') ? Date.parse(params.get('until') as string) : undefined;
    if (Number.isNaN(since) || Number.isNaN(until)) return { ok: false, message: 'since and until must be ISO 8601 times' };
    const matches = (record: AuditRecord) =>
      (!params.get('job_id') || record.job_id === params.get('job_id')) &&
      (!params.get('action') || record.action === params.get('action')) &&
      (!params.get('actor') || record.actor.id === params.get('actor')) &&
      (since === undefined || Date.parse(record.occurred_at) >= since) &&
      (until === undefined || Date.parse(record.occurred_at) <= until);

    const records: AuditRecord[] = [];
    let scanned = 0;
    for (let i = start; i < this.records.length; i++) {
      scanned++;
      if (matches(this.records[i])) records.push(this.records[i]);
      if (records.length >= limit || scanned >= this.scanBudget) {
        const next = i + 1 < this.records.length ? Buffer.from(String(i + 1)).toString('base64url') : null;
        return { ok: true, page: { records, next_cursor: next } };
      }
    }
    return { ok: true, page: { records, next_cursor: null } };
  }
}
