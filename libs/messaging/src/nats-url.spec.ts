import { describe, expect, it } from '@jest/globals';
import { parseNatsUrl } from './nats-url.js';

describe('parseNatsUrl', () => {
  it('leaves URLs without credentials as they are', () => {
    expect(parseNatsUrl('nats://127.0.0.1:4222, nats://b:4222')).toEqual({ servers: ['nats://127.0.0.1:4222', 'nats://b:4222'] });
  });

  it('takes user and password out of every server URL', () => {
    expect(parseNatsUrl('nats://gateway:p%40ss:w@a:4222,nats://gateway:p%40ss:w@b:4222')).toEqual({
      servers: ['nats://a:4222', 'nats://b:4222'],
      user: 'gateway',
      pass: 'p@ss:w',
    });
    expect(parseNatsUrl('job-state:pw@127.0.0.1:4222')).toEqual({ servers: ['127.0.0.1:4222'], user: 'job-state', pass: 'pw' });
  });

  it('refuses different credentials for different servers, without echoing them', () => {
    expect(() => parseNatsUrl('nats://a:one@h1,nats://a:two@h2')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('two') }),
    );
  });
});
