import { describe, expect, it } from '@jest/globals';
import { hasFlag, parseWholeNumber } from '../args.js';
import { UsageError } from '../errors.js';
import { parseJobsArgs } from './jobs.js';
import { parseSubmitArgs } from './submit.js';

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
    const args = parseSubmitArgs(['--enhanced', '--question', 'Q', '--iters', '4', '--specialists=3', '--model', 'm-1', '--provider', 'openai', '--sync']);
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
    expect(usageMessage(() => parseSubmitArgs(['q', '--provider', 'acme']))).toBe("--provider must be one of simulated, openai, got 'acme'");
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
