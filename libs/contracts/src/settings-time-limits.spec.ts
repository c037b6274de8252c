import { describe, expect, it } from '@jest/globals';
import { loadSettings, SettingsError } from './settings.js';

describe('time-limit settings', () => {
  it('default to a soft limit of 30 minutes and a hard one of an hour', () => {
    expect(loadSettings({})).toMatchObject({ softTimeLimitS: 1800, hardTimeLimitS: 3600 });
  });

  it('take fractions of a second', () => {
    expect(loadSettings({ CRUX_SOFT_TIME_LIMIT_S: '0.3', CRUX_HARD_TIME_LIMIT_S: '2.5' })).toMatchObject({
      softTimeLimitS: 0.3,
      hardTimeLimitS: 2.5,
    });
  });

  it('refuse a soft limit that is not below the hard one, naming both', () => {
    expect(() => loadSettings({ CRUX_SOFT_TIME_LIMIT_S: '60', CRUX_HARD_TIME_LIMIT_S: '60' })).toThrow(SettingsError);
    expect(() => loadSettings({ CRUX_SOFT_TIME_LIMIT_S: '4000' })).toThrow(
      /^CRUX_SOFT_TIME_LIMIT_S \(4000\) must be below CRUX_HARD_TIME_LIMIT_S \(3600\)/,
    );
  });

  it.each(['0', '-1', 'soon', 'Infinity'])('refuse %j, naming the setting', (value) => {
    expect(() => loadSettings({ CRUX_HARD_TIME_LIMIT_S: value })).toThrow(
      `CRUX_HARD_TIME_LIMIT_S must be a number of seconds above 0, got '${value}'`,
    );
  });
});
