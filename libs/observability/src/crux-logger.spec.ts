import { describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { CruxLogger, levelsFrom } from './crux-logger.js';

const JOB = '0b6a4c1e-2f3d-4e5a-9b8c-7d6e5f4a3b2c';

function jsonLogger(level: 'log' | 'debug' | 'warn' = 'log') {
  const lines: Array<{ line: string; stream: string }> = [];
  const logger = new CruxLogger({ service: 'crux-worker', format: 'json', level, write: (line, stream) => lines.push({ line, stream }) });
  return { logger, lines, records: () => lines.map(({ line }) => JSON.parse(line) as Record<string, unknown>) };
}

describe('CruxLogger in JSON', () => {
  it('writes one JSON object per line with time, level, service, context and message, and the job id as a field', () => {
    const { logger, lines, records } = jsonLogger();
    logger.log(`job ${JOB} failed: provider_error`, 'Worker');
    expect(lines).toHaveLength(1);
    expect(lines[0].line.endsWith('}\n')).toBe(true);
    expect(lines[0].line.slice(0, -1)).not.toContain('\n');
    const [record] = records();
    expect(record).toMatchObject({
      level: 'log',
      service: 'crux-worker',
      context: 'Worker',
      message: `job ${JOB} failed: provider_error`,
      job_id: JOB,
    });
    expect(new Date(record.time as string).toISOString()).toBe(record.time);
    expect(Object.keys(record).slice(0, 5)).toEqual(['time', 'level', 'service', 'context', 'message']);
  });

  it('takes fields given as an object after the message, flattened, and never prints a secret in them', () => {
    const { logger, records } = jsonLogger();
    logger.warn(
      'purge plan confirmed',
      { plan_id: 'p-1', actor: { kind: 'user', id: 'ops' }, count: 3, confirm_token: 'tok-123', nested: { password: 'hunter2' } },
      'Purge',
    );
    const [record] = records();
    expect(record).toMatchObject({
      level: 'warn',
      context: 'Purge',
      message: 'purge plan confirmed',
      plan_id: 'p-1',
      actor: 'ops',
      count: 3,
    });
    expect(JSON.stringify(record)).not.toMatch(/tok-123|hunter2/);
  });

  it('writes errors to stderr with the error structured, one line even with a stack', () => {
    const { logger, lines, records } = jsonLogger();
    logger.error(`job ${JOB}: recording failed`, new Error('boom\nsecond line').stack, 'JobState');
    expect(lines).toHaveLength(1);
    expect(lines[0].stream).toBe('stderr');
    expect(records()[0]).toMatchObject({ level: 'error', job_id: JOB, stack: expect.stringContaining('boom') });
  });

  it('prints CRUX_LOG_LEVEL and more severe levels only, whatever level list an app passes later', () => {
    const { logger, records } = jsonLogger('warn');
    logger.setLogLevels(['log', 'debug', 'verbose']);
    logger.log('not printed');
    logger.debug('not printed');
    logger.warn('printed');
    logger.fatal('printed too');
    expect(records().map((r) => r.level)).toEqual(['warn', 'fatal']);
    expect(levelsFrom('log')).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(levelsFrom('verbose')).toHaveLength(6);
  });

  it('serves every `new Logger(context)` once installed as the app logger', () => {
    const { logger, records } = jsonLogger();
    Logger.overrideLogger(logger);
    try {
      new Logger('Projector').log(`could not apply completed to job ${JOB}`);
    } finally {
      Logger.overrideLogger(new CruxLogger({ service: 'test', format: 'text', level: 'error' }));
    }
    expect(records()).toEqual([expect.objectContaining({ context: 'Projector', job_id: JOB, service: 'crux-worker' })]);
  });
});

describe('CruxLogger in text', () => {
  it('writes readable lines prefixed with the service, not JSON', () => {
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      new CruxLogger({ service: 'crux-audit', format: 'text', level: 'log' }).log('trail loaded: 3 records', 'Audit');
    } finally {
      process.stdout.write = write;
    }
    expect(written).toHaveLength(1);
    const plain = written[0].replace(/\x1b\[[0-9;]*m/g, '');
    expect(plain).toMatch(/^\[crux-audit\] \d+ .* LOG \[Audit\] trail loaded: 3 records\n$/);
    expect(() => JSON.parse(written[0])).toThrow();
  });
});
