import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
// eslint-disable-next-line @nx/enforce-module-boundaries -- tests may load the contracts eagerly; the rule keeps src/ to type-only imports (the CLI loads them lazily)
import { GENESIS_HASH, sealRecord, type AuditAction, type AuditRecord } from '@crux/contracts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyExport } from './offline-verify.js';

/** A chain of `n` records sealed the way the audit service seals them. */
function chain(n: number, options: { withSequence?: boolean } = {}): AuditRecord[] {
  const records: AuditRecord[] = [];
  const actions: AuditAction[] = ['purge_planned', 'purge_confirmed', 'deleted', 'restored', 'held', 'released', 'cancel'];
  for (let i = 1; i <= n; i++) {
    const record = sealRecord({
      action: actions[i % actions.length],
      job_id: `job-${i}`,
      actor: { kind: 'user', id: 'dev-operator' },
      reason: i % 2 === 0 ? 'purge' : null,
      occurred_at: new Date(Date.UTC(2026, 10, 28, 12, 0, i)).toISOString(),
      recorded_at: new Date(Date.UTC(2026, 10, 28, 12, 0, i, 5)).toISOString(),
      source_event_id: `event-${i}`,
      content_hash: i % 3 === 0 ? 'ab'.repeat(32) : null,
      details: { plan_id: 'plan-1', count: i, nested: { erase: false } },
      prev_hash: records.at(-1)?.hash ?? GENESIS_HASH,
    });
    records.push(options.withSequence === false ? record : { ...record, sequence: i });
  }
  return records;
}

const jsonl = (records: readonly AuditRecord[]) => records.map((record) => `${JSON.stringify(record)}\n`).join('');

describe('verifying an exported trail offline', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return name;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crux-cli-verify-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes an intact chain, across many batches, and gives its last hash', async () => {
    const records = chain(2500);
    const verdict = await verifyExport(write('good.jsonl', jsonl(records)), dir);
    expect(verdict).toEqual({
      ok: true,
      records_checked: 2500,
      first_bad_sequence: null,
      problem: null,
      file: 'good.jsonl',
      first_sequence: 1,
      partial: false,
      last_hash: records[2499].hash,
    });
  });

  it('fails at the record where one byte was changed, wherever it is', async () => {
    const text = jsonl(chain(1500));
    for (const sequence of [1, 2, 999, 1000, 1001, 1500]) {
      const lines = text.split('\n');
      // One byte of the reason or the job id: 'job-N' becomes 'jod-N'.
      lines[sequence - 1] = lines[sequence - 1].replace('"job_id":"job-', '"job_id":"jod-');
      const verdict = await verifyExport(write(`altered-${sequence}.jsonl`, lines.join('\n')), dir);
      expect(verdict).toMatchObject({ ok: false, first_bad_sequence: sequence, records_checked: sequence, last_hash: null });
      expect(verdict.problem).toBe(`record ${sequence} has been altered: its hash does not match its content`);
    }
  });

  it('fails at a record whose stored hash was changed, and at the record after a resealed one', async () => {
    const records = chain(5);
    const flipped = records.map((record, i) =>
      i === 2 ? { ...record, hash: `${record.hash[0] === 'a' ? 'b' : 'a'}${record.hash.slice(1)}` } : record,
    );
    expect(await verifyExport(write('hash.jsonl', jsonl(flipped)), dir)).toMatchObject({ ok: false, first_bad_sequence: 3 });

    // An attacker who reseals the record they changed breaks the link to the next one.
    const resealed = [...records];
    const { hash: _hash, sequence: _sequence, ...body } = records[2];
    resealed[2] = { ...sealRecord({ ...body, reason: 'nothing to see' }), sequence: 3 };
    const verdict = await verifyExport(write('resealed.jsonl', jsonl(resealed)), dir);
    expect(verdict).toMatchObject({ ok: false, first_bad_sequence: 4, problem: 'record 4 does not chain from the record before it' });
  });

  it('says which records are missing when the file has a hole', async () => {
    const records = chain(10);
    const holed = [...records.slice(0, 4), ...records.slice(7)];
    expect(await verifyExport(write('holed.jsonl', jsonl(holed)), dir)).toMatchObject({
      ok: false,
      first_bad_sequence: 8,
      problem: 'record 8 does not chain from the record before it: records 5–7 are missing from the file (verify a complete export)',
    });
  });

  it('checks an export that starts later as a slice, and says so', async () => {
    const verdict = await verifyExport(write('slice.jsonl', jsonl(chain(10).slice(4))), dir);
    expect(verdict).toMatchObject({ ok: true, records_checked: 6, first_sequence: 5, partial: true });
  });

  it('refuses a first record that claims to be first but does not chain from the genesis hash', async () => {
    const records = chain(3)
      .slice(1)
      .map((record, i) => ({ ...record, sequence: i + 1 }));
    expect(await verifyExport(write('fake-start.jsonl', jsonl(records)), dir)).toMatchObject({ ok: false, first_bad_sequence: 1 });
  });

  it('counts positions when records carry no sequence, and tolerates a blank last line', async () => {
    const text = jsonl(chain(4, { withSequence: false })).replace('"job_id":"job-3"', '"job_id":"job-X"');
    expect(await verifyExport(write('nosequence.jsonl', `${text}\n\n`), dir)).toMatchObject({ ok: false, first_bad_sequence: 3 });
  });

  it('fails on a line that is not a record, naming the line', async () => {
    const text = `${jsonl(chain(2))}{"not": "a record"}\n`;
    expect(await verifyExport(write('junk.jsonl', text), dir)).toMatchObject({
      ok: false,
      records_checked: 2,
      first_bad_sequence: 3,
      problem: 'line 3 is not an audit record',
    });
  });

  it('has nothing to say about an empty file, and names a missing one', async () => {
    expect(await verifyExport(write('empty.jsonl', ''), dir)).toMatchObject({
      ok: true,
      records_checked: 0,
      first_sequence: null,
      last_hash: null,
    });
    await expect(verifyExport('nope.jsonl', dir)).rejects.toThrow('cannot read nope.jsonl: no such file');
  });
});
