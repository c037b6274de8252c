import { describe, expect, it } from '@jest/globals';
import { hasFlag, parseWholeNumber } from '../args.js';
import { UsageError } from '../errors.js';
import { parseTailArgs } from './audit-tail.js';
import { parseJobActionArgs } from './job-action.js';
import { parseJobsArgs } from './jobs.js';
import { parsePurgeArgs } from './purge.js';
import { parseSubmitArgs } from './submit.js';
import { parseVerifyPurgeArgs } from './verify-purge.js';

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('submit arguments', () => {
  it('sends a basic, asynchronous job by default, the question joined from its words', () => {
    expect(parseSubmitArgs(['What', 'is', '2+2?'])).toEqual({
      mode: 'basic',
      question: { text: 'What is 2+2?' },
      fields: { async_mode: true },
      sync: false,
      watch: false,
    });
  });

  it('maps every option onto its request field', () => {
    const args = parseSubmitArgs([
      '--enhanced',
      '--question',
      'Q',
      '--iters',
      '4',
      '--specialists=3',
      '--model',
      'm-1',
      '--provider',
      'openai',
      '--sync',
    ]);
    expect(args.mode).toBe('enhanced');
    expect(args.question).toEqual({ text: 'Q' });
    expect(args.fields).toEqual({ n_iters: 4, num_specialists: 3, model_name: 'm-1', llm_provider: 'openai', async_mode: false });
    expect(args.sync).toBe(true);
  });

  it('reads the question from stdin for - as argument or --question value', () => {
    expect(parseSubmitArgs(['-']).question).toBe('stdin');
    expect(parseSubmitArgs(['-q', '-', '--watch']).question).toBe('stdin');
    expect(parseSubmitArgs(['-', '-w']).watch).toBe(true);
  });

  it('refuses what makes no sense, saying why', () => {
    expect(usageMessage(() => parseSubmitArgs([]))).toMatch(/^missing question/);
    expect(usageMessage(() => parseSubmitArgs(['a', '--question', 'b']))).toMatch(/either as an argument or with --question/);
    expect(usageMessage(() => parseSubmitArgs(['q', '--sync', '--watch']))).toMatch(/--sync and --watch/);
    expect(usageMessage(() => parseSubmitArgs(['q', '--specialists', '2']))).toMatch(/--specialists needs --enhanced/);
    expect(usageMessage(() => parseSubmitArgs(['q', '--provider', 'acme']))).toBe(
      "--provider must be one of simulated, openai, got 'acme'",
    );
    expect(usageMessage(() => parseSubmitArgs(['q', '--iters', '0']))).toBe("--iters must be a whole number 1 or more, got '0'");
    expect(usageMessage(() => parseSubmitArgs(['q', '--iters', '2.5']))).toBe("--iters must be a whole number 1 or more, got '2.5'");
    expect(usageMessage(() => parseSubmitArgs(['  ']))).toBe('the question is empty');
  });

  it("turns parseArgs' errors into short messages", () => {
    expect(usageMessage(() => parseSubmitArgs(['q', '--frobnicate']))).toBe("unknown option '--frobnicate'");
    expect(usageMessage(() => parseSubmitArgs(['q', '--iters']))).toBe('option --iters needs a value');
    expect(usageMessage(() => parseSubmitArgs(['q', '--iters', '-3']))).toBe(
      "option --iters needs a value (write --iters=VALUE for a value starting with '-')",
    );
    expect(usageMessage(() => parseSubmitArgs(['q', '--sync=yes']))).toBe('option --sync takes no value');
  });
});

describe('jobs arguments', () => {
  it('builds the list query', () => {
    expect(parseJobsArgs([])).toEqual({ query: { status: undefined, limit: undefined, cursor: undefined }, all: false });
    expect(parseJobsArgs(['--status', 'running', '--limit', '20', '--cursor', 'c1', '--all', '--json'])).toEqual({
      query: { status: 'running', limit: 20, cursor: 'c1' },
      all: true,
    });
  });

  it('refuses an unknown status and stray arguments', () => {
    expect(usageMessage(() => parseJobsArgs(['--status', 'done']))).toBe(
      "--status must be one of pending, running, completed, failed, cancelled, got 'done'",
    );
    expect(usageMessage(() => parseJobsArgs(['extra']))).toBe("unexpected argument 'extra'");
  });
});

describe('purge arguments', () => {
  it('builds the plan request from every filter, sending the age in seconds', () => {
    expect(
      parsePurgeArgs(
        ['--ids', 'a,b', '--ids=c', '--status', 'failed,cancelled', '--older-than', '7d', '--erase', '--reason', ' GDPR 12 ', '-y'],
        '/',
      ),
    ).toEqual({
      body: { job_ids: ['a', 'b', 'c'], status: ['failed', 'cancelled'], older_than: 604_800, erase: true, reason: 'GDPR 12' },
      filter: { ids: ['a', 'b', 'c'], status: ['failed', 'cancelled'], olderThanS: 604_800, erase: true, reason: 'GDPR 12' },
      yes: true,
    });
  });

  it('sends only what was given, and asks by default', () => {
    expect(parsePurgeArgs(['--status', 'failed', '--status', 'failed'], '/')).toEqual({
      body: { status: ['failed'] },
      filter: { ids: [], status: ['failed'], olderThanS: undefined, erase: false, reason: undefined },
      yes: false,
    });
    expect(parsePurgeArgs(['--older-than', '3600'], '/').body).toEqual({ older_than: 3600 });
  });

  it('refuses a purge of everything, unknown statuses, bad ages and stray arguments', () => {
    expect(usageMessage(() => parsePurgeArgs([], '/'))).toBe(
      'say what to purge: --ids, --ids-file, --status and/or --older-than (there is no "purge everything")',
    );
    expect(usageMessage(() => parsePurgeArgs(['--erase', '--yes'], '/'))).toMatch(/^say what to purge/);
    expect(usageMessage(() => parsePurgeArgs(['--status', 'failed,done'], '/'))).toBe(
      "--status must be one or more of pending, running, completed, failed, cancelled, got 'done'",
    );
    expect(usageMessage(() => parsePurgeArgs(['--older-than', '1 week'], '/'))).toMatch(/^--older-than must be a duration/);
    expect(usageMessage(() => parsePurgeArgs(['--status', 'failed', 'extra'], '/'))).toBe("unexpected argument 'extra'");
    expect(usageMessage(() => parsePurgeArgs(['--ids-file', 'nope.txt'], '/'))).toBe('cannot read --ids-file nope.txt: no such file');
  });
});

describe('one-job command arguments', () => {
  it('takes one id and an optional reason', () => {
    expect(parseJobActionArgs('cancel', ['j1', '--reason', 'wrong question'])).toEqual({ jobId: 'j1', reason: 'wrong question' });
    expect(parseJobActionArgs('hold', ['j1', '--reason', '  '])).toEqual({ jobId: 'j1', reason: undefined });
    expect(usageMessage(() => parseJobActionArgs('restore', []))).toBe('missing job id');
    expect(usageMessage(() => parseJobActionArgs('release', ['j1', 'j2']))).toBe("unexpected argument 'j2'");
  });
});

describe('audit tail arguments', () => {
  const now = new Date('2026-11-28T12:00:00.000Z');
  it('defaults to the newest 20, not following', () => {
    expect(parseTailArgs([], now)).toEqual({ query: { action: undefined, actor: undefined, since: undefined }, limit: 20, follow: false });
  });

  it('reads filters, a relative --since and -f', () => {
    expect(parseTailArgs(['-f', '-n', '5', '--action', 'deleted', '--actor', 'system:job-state', '--since', '1h'], now)).toEqual({
      query: { action: 'deleted', actor: 'system:job-state', since: '2026-11-28T11:00:00.000Z' },
      limit: 5,
      follow: true,
    });
  });

  it('refuses an unknown action', () => {
    expect(usageMessage(() => parseTailArgs(['--action', 'nuked'], now))).toMatch(
      /^--action must be one of cancel, revoked, .*purge_confirmed, got 'nuked'$/,
    );
  });
});

describe('verify-purge arguments', () => {
  it('takes ids as arguments and needs at least one', () => {
    expect(parseVerifyPurgeArgs(['a', 'b', 'a'], '/')).toEqual(['a', 'b']);
    expect(usageMessage(() => parseVerifyPurgeArgs([], '/'))).toBe('missing job ids (as arguments, or --ids-file FILE)');
  });
});

describe('shared helpers', () => {
  it('finds flags only before --', () => {
    expect(hasFlag(['a', '--help'], '--help', '-h')).toBe(true);
    expect(hasFlag(['a', '--', '--help'], '--help', '-h')).toBe(false);
  });

  it('checks whole numbers against a range', () => {
    expect(parseWholeNumber('c', '--n', '7', 1, 10)).toBe(7);
    expect(parseWholeNumber('c', '--n', undefined)).toBeUndefined();
    expect(usageMessage(() => parseWholeNumber('c', '--n', '11', 1, 10))).toBe("--n must be a whole number from 1 to 10, got '11'");
  });
});
