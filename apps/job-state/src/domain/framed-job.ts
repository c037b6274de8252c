import { hash } from 'node:crypto';
import { isJobStatus, type SolveMode } from '@crux/contracts';
import { CONTENT_FIELDS, JOB_HASH_FIELDS, jobHashFromFields, type JobHashField, type StoredJob } from './job-hash.js';

const COLON = 0x3a;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * A job's fields framed as lua/read-jobs.lua frames them: for each of JOB_HASH_FIELDS,
 * `<UTF-8 byte length>:<bytes>`, a missing field as empty. The same framing as the content
 * hash's (jobContentHash), so the content's frame is hashed as it stands.
 */
export function frameFields(values: readonly (string | Buffer | null | undefined)[]): Buffer {
  const parts: Buffer[] = [];
  for (const value of values) {
    const bytes = Buffer.from(value ?? '');
    parts.push(Buffer.from(`${bytes.length}:`), bytes);
  }
  return Buffer.concat(parts);
}

/**
 * The end offset of each of `count` fields in a framed record, and where each field's bytes
 * start; null when the record is not `count` well-formed frames.
 */
export function unframe(record: Buffer, count: number): { starts: number[]; ends: number[] } | null {
  const starts: number[] = [];
  const ends: number[] = [];
  let at = 0;
  for (let f = 0; f < count; f++) {
    let length = 0;
    let digits = 0;
    for (;;) {
      const byte = record[at++];
      if (byte === COLON && digits > 0) break;
      if (byte === undefined || byte < ZERO || byte > NINE) return null;
      length = length * 10 + (byte - ZERO);
      digits++;
    }
    starts.push(at);
    at += length;
    if (at > record.length) return null;
    ends.push(at);
  }
  return at === record.length ? { starts, ends } : null;
}

// The content fields lead JOB_HASH_FIELDS (the bookkeeping comes last), so a job's content is
// one prefix of its frame and is hashed without copying. Checked once, here, not assumed.
if (CONTENT_FIELDS.some((field, i) => JOB_HASH_FIELDS[i] !== field)) {
  throw new Error('CONTENT_FIELDS must be the first fields of JOB_HASH_FIELDS');
}
const CONTENT_END = CONTENT_FIELDS.length - 1;
const AT = Object.fromEntries(JOB_HASH_FIELDS.map((f, i) => [f, i])) as Record<JobHashField, number>;

/** A job read by lua/read-jobs.lua (every field of JOB_HASH_FIELDS, framed); null when there is no job. */
export function storedJobFromFrame(record: Buffer): StoredJob | null {
  const frames = unframe(record, JOB_HASH_FIELDS.length);
  if (!frames) throw new Error(`a job's fields came back unframed (${record.length} bytes)`);
  const { starts, ends } = frames;
  const text = (field: JobHashField) => record.toString('utf8', starts[AT[field]], ends[AT[field]]);
  const status = text('status');
  if (!isJobStatus(status)) return null;
  return {
    job: {
      owner: text('owner'),
      status,
      mode: text('mode') as SolveMode,
      created_at: text('created_at'),
      version: Number(text('version')) || 0,
    },
    held: text('held') === '1',
    // One-shot: no Hash object per job (a purge hashes every job it deletes).
    contentHash: hash('sha256', record.subarray(0, ends[CONTENT_END]), 'hex'),
    decode: () => jobHashFromFields(JOB_HASH_FIELDS.map((f) => text(f)))!,
  };
}
