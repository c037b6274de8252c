import { describe, expect, it } from '@jest/globals';
import { mergeNotifyFlags } from './notify-flags.js';

describe('keyspace notification flags', () => {
  it('adds what job-state needs to an empty setting', () => {
    expect(mergeNotifyFlags('')).toBe('Exg');
  });

  it('keeps what others turned on and adds only what is missing', () => {
    expect(mergeNotifyFlags('Kl')).toBe('KlExg');
    expect(mergeNotifyFlags('xE')).toBe('xEg');
    expect(mergeNotifyFlags('gxE')).toBe('gxE');
  });

  it('knows that A covers x and g but not E', () => {
    expect(mergeNotifyFlags('AK')).toBe('AKE');
  });
});
