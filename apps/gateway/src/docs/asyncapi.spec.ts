import { beforeAll, describe, expect, it } from '@jest/globals';
import { Parser, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import {
  AUDIT_ACTIONS,
  JOB_EVENT_TYPES,
  makeEvent,
  serviceActor,
  StreamName,
  Subjects,
  type JobCancelled,
  type JobDeleted,
  type JobFailed,
} from '@crux/contracts';
import { asyncApiDocument, channelKey } from './asyncapi.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const SEVERITY = ['error', 'warning', 'info', 'hint'];

describe('the AsyncAPI description of the bus', () => {
  const doc = asyncApiDocument() as Json;
  let parsed: AsyncAPIDocumentInterface | undefined;
  let problems: string[];
  /** A validator per message of the parsed document (its $refs resolved by the parser). */
  const validators = new Map<string, (payload: unknown) => string | null>();

  beforeAll(async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    parsed = document;
    problems = diagnostics
      .filter((d: Diagnostic) => d.severity <= 1)
      .map((d: Diagnostic) => `${SEVERITY[d.severity]} ${d.code} at ${d.path.join('.')}: ${d.message}`);
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    (addFormats as unknown as (ajv: Ajv2019) => void)(ajv);
    for (const message of document?.components().messages().all() ?? []) {
      const validate = ajv.compile(message.payload()!.json());
      validators.set(message.id(), (payload) => (validate(payload) ? null : ajv.errorsText(validate.errors)));
    }
  }, 120_000);

  it('is a valid AsyncAPI 3 document for @asyncapi/parser: no error, no warning', () => {
    expect(doc.asyncapi).toMatch(/^3\./);
    expect(problems).toEqual([]);
    expect(parsed).toBeDefined();
  });

  it('has a channel for exactly the subjects the JOBS stream stores, and the trail records of the AUDIT stream', () => {
    const jobChannels = JOB_EVENT_TYPES.map((type) => doc.channels[channelKey(type)].address.replace('{job_id}', '*'));
    expect(jobChannels.sort()).toEqual(Subjects.jobsStreamSubjects().sort());
    expect(doc.channels.auditRecords.address.replaceAll(/\{\w+\}/g, '*')).toEqual(Subjects.auditStreamSubjects()[0]);
    expect(doc.channels.auditRecords.parameters.action.enum).toEqual([...AUDIT_ACTIONS]);
    expect(Object.keys(doc.channels)).toHaveLength(JOB_EVENT_TYPES.length + 1);
    expect(Object.values(doc.operations).every((op) => (op as Json).action === 'receive')).toBe(true);
    expect(doc.info.description).toContain(StreamName.Jobs);
  });

  it('matches every example (typed by the contracts) to its message schema', () => {
    const messages = Object.entries(doc.components.messages as Record<string, Json>);
    expect(messages.map(([key]) => key).sort()).toEqual([...JOB_EVENT_TYPES.map(channelKey), 'auditRecord'].sort());
    for (const [key, message] of messages) {
      expect(message.examples.length).toBeGreaterThan(0);
      for (const example of message.examples)
        expect({ key, problem: validators.get(key)!(example.payload) }).toEqual({ key, problem: null });
    }
  });

  it('accepts events made by the contracts, and refuses one that drifts from them (a field renamed, an unknown actor kind, another type)', () => {
    const cancel = validators.get(channelKey('cancel'))!;
    const made: JobCancelled = makeEvent('cancel', '3f2c9a1e-6b7d-4c8e-9f01-23456789abcd', { kind: 'user', id: 'alice' }, { reason: null });
    expect(cancel(made)).toBeNull();
    const failed: JobFailed = makeEvent('failed', made.job_id, serviceActor('crux-worker'), { error: 'boom', reason: 'worker_lost' });
    expect(validators.get(channelKey('failed'))!(failed)).toBeNull();

    // A deletion of either form: by reference to the job's history (a purge), or with its snapshot (an expiry, and older events).
    const deleted = validators.get(channelKey('deleted'))!;
    const job = { owner: 'alice', status: 'completed', mode: 'basic', created_at: '2026-12-06T10:00:00.000Z', version: 7 } as const;
    const byReference: JobDeleted = makeEvent(
      'deleted',
      made.job_id,
      { kind: 'user', id: 'ops' },
      { reason: 'purge', archive: 'history', snapshot: null, job, content_hash: 'c'.repeat(64), plan_id: 'p' },
    );
    expect(deleted(byReference)).toBeNull();
    const older = makeEvent('deleted', made.job_id, serviceActor('crux-job-state'), {
      reason: 'ttl',
      snapshot: null,
      content_hash: 'c'.repeat(64),
      plan_id: null,
    });
    expect(deleted(older)).toBeNull();
    expect(deleted({ ...byReference, data: { ...byReference.data, archive: 'attic' } })).toMatch(
      /archive must be equal to one of the allowed values/,
    );

    expect(cancel({ ...made, data: { why: 'renamed' } })).toMatch(/data must have required property 'reason'/);
    expect(cancel({ ...made, actor: { kind: 'robot', id: 'x' } })).toMatch(/actor\/kind must be equal to one of the allowed values/);
    expect(cancel(failed)).toMatch(/type must be equal to constant/);
  });
});
