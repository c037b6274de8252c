import { describe, expect, it } from '@jest/globals';
import { ApplyCode, ScriptReplyError, toApplyCode } from './apply-code.js';

describe('apply script replies', () => {
  it('maps each code and the status the job had', () => {
    expect(toApplyCode('applyEvents', 'j', [1, 'pending'])).toEqual({ code: ApplyCode.Applied, previous: 'pending' });
    expect(toApplyCode('applyEvents', 'j', [0, 'running'])).toEqual({ code: ApplyCode.Stale, previous: 'running' });
    expect(toApplyCode('applyEvents', 'j', [-1, 'cancelled'])).toEqual({ code: ApplyCode.Rejected, previous: 'cancelled' });
    expect(toApplyCode('applyEvents', 'j', [-2, ''])).toEqual({ code: ApplyCode.NoJob, previous: null });
  });

  it('fails naming the job and command on a reply it does not know', () => {
    expect(() => toApplyCode('applyEvents', 'job-9', [7, ''])).toThrow(ScriptReplyError);
    expect(() => toApplyCode('applyEvents', 'job-9', 'OK')).toThrow(/applyEvents for job job-9/);
  });
});
