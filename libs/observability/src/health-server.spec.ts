import { describe, expect, it } from '@jest/globals';
import { runChecks } from './health-server.js';

describe('runChecks', () => {
  it('is ok when every check is, and names each problem otherwise', async () => {
    expect(await runChecks({ a: () => null, b: async () => null })).toEqual({ status: 'ok', checks: { a: 'ok', b: 'ok' } });
    expect(await runChecks({ a: () => null, b: () => 'Redis is not connected (reconnecting)' })).toEqual({
      status: 'failing',
      checks: { a: 'ok', b: 'Redis is not connected (reconnecting)' },
    });
  });

  it('fails a check that throws or does not answer in time, instead of hanging the probe', async () => {
    const report = await runChecks(
      {
        throws: () => {
          throw new Error('boom');
        },
        hangs: () => new Promise<null>(() => undefined),
      },
      50,
    );
    expect(report).toEqual({ status: 'failing', checks: { throws: 'the check failed: boom', hangs: 'no answer within 50 ms' } });
  });
});
