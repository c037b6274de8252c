import { describe, expect, it } from '@jest/globals';
import { parseRoute, routeHash } from './route';

const ID = '3f0c6a52-1f7e-4a55-9c1b-2d3e4f5a6b7c';

describe('hash routes', () => {
  it('reads pages and jobs, and nothing else', () => {
    expect(parseRoute('#/trail')).toEqual({ page: 'trail' });
    expect(parseRoute(`#/jobs/${ID.toUpperCase()}`)).toEqual({ page: 'job', jobId: ID });
    expect(parseRoute('#/jobs/not-an-id')).toBeNull();
    expect(parseRoute('')).toBeNull();
    expect(parseRoute('#/admin')).toBeNull();
  });

  it('round-trips', () => {
    expect(parseRoute(routeHash({ page: 'job', jobId: ID }))).toEqual({ page: 'job', jobId: ID });
    expect(routeHash({ page: 'purge' })).toBe('#/purge');
  });
});
