import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoToEpochMs, parseCeleryState, parseClientLine, peekStatus } from '../lib/celery-protocol.mjs';

// Messages as Celery 5.2's Redis result backend publishes them (captured from a run).
const STARTED =
  '{"status": "STARTED", "result": {"pid": 19942, "hostname": "celery@vm"}, "traceback": null, "children": [], "date_done": null, "task_id": "l1"}';
const SUCCESS =
  '{"status": "SUCCESS", "result": {"output": "[bench] draft r1 ref 9fe05e41: an answer to \\"q?\\"", "iterations": 1, "total_tokens": 13, "processing_time": 0.03, "converged": false, "stop_reason": "max_iters", "metadata": {"review": "235fed6e", "started_at": 1796554833890.4375}}, "traceback": null, "children": [], "date_done": "2026-12-06T11:00:33.933377", "task_id": "a1"}';
const REVOKED =
  '{"status": "REVOKED", "result": {"exc_type": "TaskRevokedError", "exc_message": ["terminated"], "exc_module": "celery.exceptions"}, "traceback": null, "children": [], "date_done": "2026-12-06T11:00:37.854287", "task_id": "l1"}';

describe('parseCeleryState', () => {
  it('reads a success: when the body began and when the backend stored it (naive UTC date_done)', () => {
    const s = parseCeleryState('celery-task-meta-a1', SUCCESS);
    assert.equal(s.id, 'a1');
    assert.equal(s.status, 'SUCCESS');
    assert.ok(Math.abs(s.doneAt - (Date.UTC(2026, 11, 6, 11, 0, 33) + 933.377)) < 1e-6, `doneAt ${s.doneAt}`);
    assert.equal(s.startedAt, 1796554833890.4375);
    assert.equal(s.error, undefined);
  });

  it('reads the pool child running a started task', () => {
    const s = parseCeleryState('celery-task-meta-l1', STARTED);
    assert.deepEqual([s.status, s.pid, Number.isNaN(s.doneAt)], ['STARTED', 19942, true]);
  });

  it('keeps what was stored for a revoked or failed task', () => {
    const s = parseCeleryState('celery-task-meta-l1', REVOKED);
    assert.equal(s.status, 'REVOKED');
    assert.match(s.error ?? '', /terminated/);
  });
});

describe('isoToEpochMs', () => {
  it('keeps microseconds, reads a naive time as UTC and honours an offset', () => {
    assert.equal(isoToEpochMs('2026-12-06T11:00:33.000500'), Date.UTC(2026, 11, 6, 11, 0, 33) + 0.5);
    assert.equal(isoToEpochMs('2026-12-06T11:00:33+01:00'), Date.UTC(2026, 11, 6, 10, 0, 33));
    assert.ok(Number.isNaN(isoToEpochMs('yesterday')));
  });
});

describe('peekStatus', () => {
  it('reads the status without decoding, and decodes what does not start with it', () => {
    assert.equal(peekStatus(SUCCESS), 'SUCCESS');
    assert.equal(peekStatus(STARTED), 'STARTED');
    assert.equal(peekStatus('{"result": 1, "status": "FAILURE"}'), 'FAILURE');
    assert.equal(peekStatus('not json'), 'UNREADABLE');
  });
});

describe('parseClientLine', () => {
  it('reads an answer with the times around the Celery call', () => {
    assert.deepEqual(parseClientLine('revoke l1 1796554837619.945 1796554837675.331'), {
      kind: 'done',
      command: 'revoke',
      id: 'l1',
      before: 1796554837619.945,
      after: 1796554837675.331,
    });
  });
  it('reads an error with its message, and the ready line', () => {
    assert.deepEqual(parseClientLine('error add a1 ConnectionError: refused'), {
      kind: 'error',
      command: 'add',
      id: 'a1',
      message: 'ConnectionError: refused',
    });
    assert.deepEqual(parseClientLine('ready'), { kind: 'ready' });
    assert.equal(parseClientLine('add a1 soon later').kind, 'other');
  });
});
