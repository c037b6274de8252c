/**
 * `crux audit verify --file`: recomputes the hash chain of an export (JSON lines, as
 * `crux audit export` writes them) with no gateway at all. The chain is checked by
 * `verifyChain` from @crux/contracts, the very code the audit service uses, so there is one
 * definition of a valid trail. It is imported here, lazily: every other command loads only
 * types from the contracts, which keeps their start-up fast.
 */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { AuditRecord, ChainVerdict } from '@crux/contracts';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

/** Records per call to verifyChain: the file is streamed, never held whole. */
const BATCH = 1000;

export interface ExportVerdict extends ChainVerdict {
  file: string;
  /** Sequence of the first record in the file; null for an empty file. */
  first_sequence: number | null;
  /** The file does not begin at the start of the trail (exported with --since): it is checked as a slice. */
  partial: boolean;
  /** Hash of the last record verified: compare it with the live trail to anchor the export. */
  last_hash: string | null;
}

export async function verifyExport(file: string, cwd: string): Promise<ExportVerdict> {
  const { verifyChain, GENESIS_HASH } = await import('@crux/contracts');
  const path = resolve(cwd, file);
  const lines = createInterface({ input: await openFile(path, file), crlfDelay: Infinity });

  let checked = 0;
  let prevHash = GENESIS_HASH;
  let firstSequence: number | null = null;
  let partial = false;
  let lastSequence: number | null = null;
  /** Sequences missing from the file between two records, if any: the reason a link breaks. */
  const gaps = new Map<number, number>();
  let batch: AuditRecord[] = [];
  let lineNumber = 0;

  const verdict = (fields: Pick<ChainVerdict, 'ok' | 'first_bad_sequence' | 'problem'>): ExportVerdict => ({
    ...fields,
    records_checked: checked,
    file,
    first_sequence: firstSequence,
    partial,
    last_hash: fields.ok && checked > 0 ? prevHash : null,
  });

  /** Verifies the batch; undefined while the chain holds. */
  const flush = (): ExportVerdict | undefined => {
    if (batch.length === 0) return undefined;
    const result = verifyChain(batch, prevHash);
    if (!result.ok) {
      checked += result.records_checked;
      const bad = result.first_bad_sequence;
      const gapFrom = bad === null ? undefined : gaps.get(bad);
      const problem =
        gapFrom !== undefined && bad !== null
          ? `${result.problem}: records ${gapFrom}${bad - 1 > gapFrom ? `–${bad - 1}` : ''} are missing from the file (verify a complete export)`
          : result.problem;
      return verdict({ ok: false, first_bad_sequence: bad, problem });
    }
    checked += batch.length;
    prevHash = batch[batch.length - 1].hash;
    batch = [];
    return undefined;
  };

  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const record = parseRecord(line);
    const position = checked + batch.length + 1;
    if (!record) {
      const early = flush();
      if (early) return early;
      return verdict({
        ok: false,
        first_bad_sequence: lastSequence === null ? position : lastSequence + 1,
        problem: `line ${lineNumber} is not an audit record`,
      });
    }
    // Positions stand in for sequences a record does not carry (not part of the hash).
    if (record.sequence === undefined) record.sequence = position;
    if (firstSequence === null) {
      firstSequence = record.sequence;
      // An export from the first record must chain from the genesis hash; one that starts later continues from its first link.
      if (record.sequence !== 1 && record.prev_hash !== GENESIS_HASH) {
        partial = true;
        prevHash = record.prev_hash;
      }
    } else if (lastSequence !== null && record.sequence !== lastSequence + 1) {
      gaps.set(record.sequence, lastSequence + 1);
    }
    lastSequence = record.sequence;
    batch.push(record);
    if (batch.length >= BATCH) {
      const bad = flush();
      if (bad) return bad;
    }
  }
  const bad = flush();
  if (bad) return bad;
  return verdict({ ok: true, first_bad_sequence: null, problem: null });
}

function parseRecord(line: string): AuditRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Partial<AuditRecord>;
  if (typeof record.hash !== 'string' || typeof record.prev_hash !== 'string' || typeof record.action !== 'string') return undefined;
  if (record.sequence !== undefined && !Number.isSafeInteger(record.sequence)) return undefined;
  return record as AuditRecord;
}

async function openFile(path: string, shown: string) {
  const stream = createReadStream(path, { encoding: 'utf8' });
  // Surface "no such file" as one line before reading starts.
  await new Promise<void>((ready, fail) => {
    stream.once('ready', () => ready());
    stream.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        new CliError(
          `cannot read ${shown}: ${error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'it is a directory' : error.message}`,
          ExitCode.Usage,
        ),
      ),
    );
  });
  return stream;
}
