import { describe, expect, it } from '@jest/globals';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { readPubAck } from './pub-ack.js';

const reply = (body: string, statusCode = 0, statusText = '') => ({ statusCode, statusText, data: new TextEncoder().encode(body) });

describe('reading a PubAck', () => {
  it('answers the stream, sequence and whether the stream had the id already', () => {
    expect(readPubAck(reply('{"stream":"JOBS","seq":42}'))).toEqual({ stream: 'JOBS', seq: 42, duplicate: false });
    expect(readPubAck(reply('{"stream":"JOBS","seq":42,"duplicate":true,"domain":"hub"}'))).toEqual({
      stream: 'JOBS',
      seq: 42,
      duplicate: true,
      domain: 'hub',
    });
  });

  it('answers an error for a status instead of an ack (no stream listens), a refusal or bytes that are no ack', () => {
    expect(readPubAck(reply('', 503, 'No Responders'))).toEqual(new Error('no PubAck: 503 No Responders'));
    expect(readPubAck(reply('not json'))).toEqual(new Error('no PubAck: the reply is not JSON'));
    expect(readPubAck(reply('{"stream":"","seq":1}'))).toEqual(new Error('no PubAck: invalid ack'));
    expect(readPubAck(reply('{"stream":"JOBS"}'))).toEqual(new Error('no PubAck: invalid ack'));
  });

  it("answers a refusal with JetStream's error code, as js.publish throws it", () => {
    const refused = readPubAck(reply('{"error":{"code":503,"err_code":10077,"description":"resource limits exceeded"}}'));
    expect(refused).toBeInstanceOf(JetStreamApiError);
    expect(refused).toMatchObject({ code: 10077, status: 503, message: 'JetStream refused the message: resource limits exceeded' });
    const conflict = readPubAck(reply('{"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 7"}}'));
    expect((conflict as JetStreamApiError).code).toBe(JetStreamApiCodes.StreamWrongLastSequence);
    expect(readPubAck(reply('{"error":{}}'))).toMatchObject({ message: 'JetStream refused the message: no description' });
  });
});
