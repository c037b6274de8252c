import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditRecord } from '@crux/contracts';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@crux/test-harness';
import { run } from '../src/cli.js';
import { ExitCode } from '../src/exit-codes.js';
import { FakeGateway } from './support/fake-gateway.js';
import { fakeIo } from './support/fake-io.js';

const operator = { kind: 'user', id: 'dev-operator' } as const;
const jobState = { kind: 'system', id: 'job-state' } as const;

describe('crux audit against a real HTTP server', () => {
  const gateway = new FakeGateway();
  let env: Record<string, string>;
  let dir: string;
  const job = randomUUID();

  beforeAll(async () => {
    await gateway.start();
    env = { CRUX_URL: gateway.url, CRUX_API_KEY: 'aud-key', CRUX_POLL_MS: '20' };
    dir = mkdtempSync(join(tmpdir(), 'crux-cli-audit-'));
    // 30 records: a story for one job among others' deletions by TTL.
    for (let i = 0; i < 26; i++)
      gateway.trail.append('deleted', randomUUID(), jobState, 'ttl', { archived: true }, new Date(Date.UTC(2026, 10, 20, 0, i)));
    gateway.trail.append('held', job, operator, 'litigation 7', {}, new Date(Date.UTC(2026, 10, 21)));
    gateway.trail.append('released', job, operator, null, {}, new Date(Date.UTC(2026, 10, 22)));
    gateway.trail.append('deleted', job, operator, 'purge', { plan_id: 'p1', archived: true }, new Date(Date.UTC(2026, 10, 23)));
    gateway.trail.append('restored', job, operator, 'mistake', {}, new Date(Date.UTC(2026, 10, 24)));
  });
  afterAll(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lines = (text: string) => text.trimEnd().split('\n');
  const sequences = (text: string) =>
    lines(text)
      .slice(1)
      .map((line) => Number(line.trim().split(/\s+/)[0]));

  /** Pages stop short of their limit, as the audit service's do when its scan budget runs out. */
  async function withShortPages<T>(budget: number, body: () => Promise<T>): Promise<T> {
    gateway.trail.scanBudget = budget;
    try {
      return await body();
    } finally {
      gateway.trail.scanBudget = Infinity;
    }
  }

  describe('tail', () => {
    it('shows the newest 20 records, oldest first, under a header, reading every page', async () => {
      const io = fakeIo({ env });
      expect(await withShortPages(7, () => run(['audit', 'tail'], io))).toBe(ExitCode.Ok);
      expect(lines(io.out())[0]).toMatch(/^ +SEQ {2}OCCURRED \(UTC\) +ACTION +JOB \/ PLAN +ACTOR {2}REASON {2}DETAILS$/);
      expect(sequences(io.out())).toEqual(Array.from({ length: 20 }, (_, i) => i + 11));
      expect(lines(io.out()).at(-1)).toBe(`    30  2026-11-24 00:00:00  restored            ${job}  dev-operator  mistake`);
      expect(gateway.requests.filter((r) => r.path === '/api/v1/audit').length).toBeGreaterThan(4);
    });

    it('filters by action and actor, limits, and prints JSON lines with --json', async () => {
      const io = fakeIo({ env });
      expect(await run(['audit', 'tail', '--action', 'deleted', '--actor', 'dev-operator', '-n', '5'], io)).toBe(ExitCode.Ok);
      expect(sequences(io.out())).toEqual([29]);
      expect(gateway.requests.at(-1)?.query.get('action')).toBe('deleted');
      expect(gateway.requests.at(-1)?.query.get('actor')).toBe('dev-operator');

      const json = fakeIo({ env });
      expect(await run(['audit', '--json', 'tail', '--limit', '3'], json)).toBe(ExitCode.Ok);
      const records = lines(json.out()).map((line) => JSON.parse(line) as AuditRecord);
      expect(records.map((record) => record.sequence)).toEqual([28, 29, 30]);
      expect(records[2]).toEqual(gateway.trail.records[29]);
    });

    it('says so when nothing matches', async () => {
      const io = fakeIo({ env });
      expect(await run(['audit', 'tail', '--action', 'revoke_unconfirmed'], io)).toBe(ExitCode.Ok);
      expect(io.out()).toBe('no audit records match\n');
    });

    it('follows with -f: every new record once, across pages, until Ctrl-C (exit 0)', async () => {
      const io = fakeIo({ env });
      const exit = withShortPages(4, () => run(['audit', 'tail', '-f', '-n', '2'], io));
      await waitFor(() => sequences(io.out()).length === 2, { what: 'the first records' });
      const added: number[] = [];
      for (let i = 0; i < 7; i++) added.push(gateway.trail.append('cancel', randomUUID(), operator, `burst ${i}`).sequence as number);
      await waitFor(() => sequences(io.out()).length === 9, { what: 'the appended records' });
      const late = gateway.trail.append('held', job, operator, 'late').sequence as number;
      await waitFor(() => sequences(io.out()).includes(late), { what: 'a record appended later' });
      io.interrupt();
      expect(await exit).toBe(ExitCode.Ok);
      expect(sequences(io.out())).toEqual([29, 30, ...added, late]);
    });

    it('keeps following through a gateway outage, saying so once, and stops on a refusal', async () => {
      const io = fakeIo({ env });
      const exit = run(['audit', 'tail', '-f', '-n', '1'], io);
      await waitFor(() => sequences(io.out()).length === 1, { what: 'the first record' });
      gateway.unavailable = 5;
      await waitFor(() => gateway.unavailable === 0, { what: 'the outage to pass' });
      const after = gateway.trail.append('cancel', randomUUID(), operator, 'after the outage').sequence as number;
      await waitFor(() => sequences(io.out()).includes(after), { what: 'the record appended after the outage' });
      expect(io.err()).toBe(
        'crux: 503 Service Unavailable — the gateway is restarting; still following, retrying\ncrux: the gateway answers again; following\n',
      );

      // A refused key is not an outage: following ends with the error.
      gateway.keys.delete('aud-key');
      try {
        expect(await exit).toBe(ExitCode.NotAuthorised);
      } finally {
        gateway.keys.set('aud-key', { name: 'dev-auditor', role: 'auditor' });
      }
    });
  });

  describe('show', () => {
    it("prints one job's whole trail across pages", async () => {
      const io = fakeIo({ env });
      expect(await withShortPages(5, () => run(['audit', 'show', job], io))).toBe(ExitCode.Ok);
      const shown = lines(io.out()).slice(1);
      expect(shown.map((line) => line.trim().split(/\s+/)[3])).toEqual([
        'held',
        'released',
        'deleted',
        'restored',
        ...shown.slice(4).map(() => 'held'),
      ]);
      expect(shown[2]).toBe(`    29  2026-11-23 00:00:00  deleted             ${job}  dev-operator  purge  plan_id=p1 archived=true`);
      expect(gateway.requests.at(-1)?.query.get('job_id')).toBe(job);
    });

    it('says when there is nothing on record, and prints JSON lines with --json', async () => {
      const none = fakeIo({ env });
      expect(await run(['audit', 'show', 'unknown-job'], none)).toBe(ExitCode.Ok);
      expect(none.out()).toBe('no audit records for unknown-job: it was never cancelled, deleted, held or restored (or the id is wrong)\n');
      const json = fakeIo({ env });
      expect(await run(['audit', 'show', job, '--json'], json)).toBe(ExitCode.Ok);
      expect(
        lines(json.out())
          .map((line) => (JSON.parse(line) as AuditRecord).job_id)
          .every((id) => id === job),
      ).toBe(true);
    });
  });

  describe('export and verify', () => {
    it('exports every record as JSON lines to a file, which then verifies offline', async () => {
      const io = fakeIo({ env });
      expect(await withShortPages(9, () => run(['audit', 'export', '--out', join(dir, 'trail.jsonl')], io))).toBe(ExitCode.Ok);
      const exported = lines(readFileSync(join(dir, 'trail.jsonl'), 'utf8')).map((line) => JSON.parse(line) as AuditRecord);
      expect(exported).toEqual(gateway.trail.records);
      expect(io.err()).toBe(`exported ${gateway.trail.records.length} audit records to ${join(dir, 'trail.jsonl')}\n`);
      expect(existsSync(join(dir, 'trail.jsonl.partial'))).toBe(false);

      const verify = fakeIo({ env: {}, cwd: dir });
      expect(await run(['audit', 'verify', '--file', 'trail.jsonl'], verify)).toBe(ExitCode.Ok);
      expect(verify.out()).toBe(
        `export trail.jsonl verified: ${exported.length} records from the start of the trail, every link of the hash chain holds; last hash ${exported.at(-1)?.hash}\n`,
      );
    });

    it('fails the offline check at the record where one byte was changed, exit 9', async () => {
      const text = readFileSync(join(dir, 'trail.jsonl'), 'utf8');
      const altered = text.replace('"reason":"purge"', '"reason":"purgf"');
      expect(altered).not.toBe(text);
      writeFileSync(join(dir, 'altered.jsonl'), altered);
      const io = fakeIo({ env: {}, cwd: dir });
      expect(await run(['audit', 'verify', '--file', 'altered.jsonl', '--json'], io)).toBe(ExitCode.CheckFailed);
      expect(JSON.parse(io.out())).toMatchObject({ ok: false, first_bad_sequence: 29, records_checked: 29, file: 'altered.jsonl' });

      const textIo = fakeIo({ env: {}, cwd: dir });
      expect(await run(['audit', 'verify', '--file', 'altered.jsonl'], textIo)).toBe(ExitCode.CheckFailed);
      expect(textIo.out()).toBe(
        'export altered.jsonl FAILED verification at record 29: record 29 has been altered: its hash does not match its content (29 records checked)\n',
      );
    });

    it('leaves no file behind when the export fails half-way, exit 7', async () => {
      gateway.intercept = (request) =>
        request.query.get('cursor') ? { status: 502, error: 'Bad Gateway', message: 'audit did not answer' } : undefined;
      try {
        const io = fakeIo({ env, cwd: dir });
        expect(await withShortPages(5, () => run(['audit', 'export', '-o', 'broken.jsonl'], io))).toBe(ExitCode.GatewayError);
        expect(io.err()).toBe('crux: 502 Bad Gateway — audit did not answer\n');
        expect(existsSync(join(dir, 'broken.jsonl'))).toBe(false);
        expect(existsSync(join(dir, 'broken.jsonl.partial'))).toBe(false);
      } finally {
        gateway.intercept = undefined;
      }
    });

    it('exports to stdout, within a time window, counting on stderr', async () => {
      const io = fakeIo({ env });
      expect(await run(['audit', 'export', '--since', '2026-11-21', '--until', '2026-11-22T12:00:00Z'], io)).toBe(ExitCode.Ok);
      expect(lines(io.out()).map((line) => (JSON.parse(line) as AuditRecord).action)).toEqual(['held', 'released']);
      expect(io.err()).toBe('exported 2 audit records\n');
      expect(gateway.requests.at(-1)?.query.get('since')).toBe('2026-11-21');
    });

    it('asks the server to verify the live trail: exit 0 when intact, 9 naming the first bad record', async () => {
      const ok = fakeIo({ env });
      expect(await run(['audit', 'verify'], ok)).toBe(ExitCode.Ok);
      expect(ok.out()).toBe(`audit trail verified: ${gateway.trail.records.length} records, every link of the hash chain holds\n`);

      gateway.trail.tamper(12, (record) => ({ ...record, reason: 'nothing happened' }));
      const bad = fakeIo({ env });
      expect(await run(['audit', 'verify'], bad)).toBe(ExitCode.CheckFailed);
      expect(bad.out()).toBe(
        'audit trail FAILED verification at record 12: record 12 has been altered: its hash does not match its content (12 records checked)\n',
      );
      const json = fakeIo({ env });
      expect(await run(['audit', 'verify', '--json'], json)).toBe(ExitCode.CheckFailed);
      expect(JSON.parse(json.out())).toEqual({
        ok: false,
        records_checked: 12,
        first_bad_sequence: 12,
        problem: 'record 12 has been altered: its hash does not match its content',
      });
    });
  });

  it('refuses a missing or unknown subcommand, and submitters', async () => {
    const missing = fakeIo({ env });
    expect(await run(['audit'], missing)).toBe(ExitCode.Usage);
    expect(missing.err()).toBe('crux audit: missing subcommand: tail, show, verify, export (see crux audit --help)\n');
    const unknown = fakeIo({ env });
    expect(await run(['audit', 'erase'], unknown)).toBe(ExitCode.Usage);
    expect(unknown.err()).toBe(
      "crux audit: unknown subcommand 'erase'; audit subcommands are tail, show, verify, export (see crux audit --help)\n",
    );
    const submitter = fakeIo({ env: { ...env, CRUX_API_KEY: 'sub-key' } });
    expect(await run(['audit', 'tail'], submitter)).toBe(ExitCode.NotAuthorised);
    expect(submitter.err()).toBe('crux: 403 Forbidden — auditors and operators only\n');
  });
});
