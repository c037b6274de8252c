import { describe, expect, it } from '@jest/globals';
import { revokedEventId, terminalEventId } from './terminal-event.js';

describe('the ids of a job outcome and of its revoke', () => {
  it('gives every outcome of one job the same id, and other jobs other ids', () => {
    expect(terminalEventId('job-1')).toBe(terminalEventId('job-1'));
    expect(terminalEventId('job-1')).not.toBe(terminalEventId('job-2'));
    expect(terminalEventId('job-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives the revokes of one cancel the same id, a later cancel its own, and none without a known cancel', () => {
    expect(revokedEventId('job-1', 'cancel-a')).toBe(revokedEventId('job-1', 'cancel-a'));
    expect(revokedEventId('job-1', 'cancel-a')).not.toBe(revokedEventId('job-1', 'cancel-b'));
    expect(revokedEventId('job-1', 'cancel-a')).not.toBe(terminalEventId('job-1'));
    expect(revokedEventId('job-1', null)).toBeNull();
  });
});
