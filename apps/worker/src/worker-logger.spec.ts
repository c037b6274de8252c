import { describe, expect, it } from '@jest/globals';
import { workerLogger, type LineWriter } from './worker-logger.js';

function recorder(): LineWriter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug ${m}`),
    log: (m) => lines.push(`log ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

describe('the logger the pool and the consumer get', () => {
  it('has no debug at the levels that do not print it, so no per-job line is built', () => {
    for (const level of ['fatal', 'error', 'warn', 'log'] as const) expect(workerLogger(recorder(), level).debug).toBeUndefined();
  });

  it('passes debug on at debug and verbose', () => {
    for (const level of ['debug', 'verbose'] as const) {
      const writer = recorder();
      workerLogger(writer, level).debug?.('running job j');
      expect(writer.lines).toEqual(['debug running job j']);
    }
  });

  it('passes log, warn and error on at every level', () => {
    const writer = recorder();
    const logger = workerLogger(writer, 'error');
    logger.log('a');
    logger.warn('b');
    logger.error('c');
    expect(writer.lines).toEqual(['log a', 'warn b', 'error c']);
  });
});
