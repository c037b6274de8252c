/**
 * A refusal that comes before the request has all arrived (413 from Content-Length, a wrong
 * content type, a body that outgrows the limit, headers too large) must reach a client that is
 * still sending. Were the connection torn down under the rest of the request, the client's next
 * bytes would meet a TCP reset, which can wipe the answer before the client reads it: fetch then
 * fails with no status at all. Each test keeps sending after the answer and expects no reset.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Keys, startTestGateway, startTestNats, type Gateway, type TestNats } from './support/gateway-fixture.js';
import { firstStatus, lastJson, rawConnect, type RawConnection } from './support/raw-http.js';

const LIMIT = 4096;
const ANSWERED = /\r\n\r\n\{.*\}$/s;

/** Writes `text` in pieces, each once the one before has left, as a client uploading does. */
async function sendInPieces(connection: RawConnection, text: string, piece = 8192): Promise<void> {
  for (let at = 0; at < text.length && !connection.socket.destroyed; at += piece) {
    await new Promise<void>((resolve) => connection.socket.write(text.slice(at, at + piece), () => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Ends this side and waits for the connection to close; what was received. */
async function finish(connection: RawConnection): Promise<string> {
  connection.socket.end();
  return connection.closed;
}

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const purge = (headers: string[]) =>
  head(['POST /api/v1/admin/purges HTTP/1.1', 'Host: x', `Authorization: Bearer ${Keys.ops}`, ...headers]);

describe('an answer given before the request has all arrived', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url, { CRUX_MAX_BODY_BYTES: String(LIMIT) });
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  it.each([
    [
      'a body over the limit by its Content-Length',
      'application/json',
      413,
      'request body is larger than the limit of 4096 bytes (CRUX_MAX_BODY_BYTES)',
    ],
    [
      'a body that is not JSON by its Content-Type',
      'text/plain',
      400,
      'request body must be a JSON object; send it with Content-Type: application/json',
    ],
  ])('reaches a client still sending %s, and the connection closes without a reset', async (_name, type, status, message) => {
    const body = JSON.stringify({ reason: 'x'.repeat(200_000) });
    const connection = await rawConnect(gateway.url, { allowHalfOpen: true });
    try {
      connection.send(purge([`Content-Type: ${type}`, `Content-Length: ${Buffer.byteLength(body)}`]) + body.slice(0, 1000));
      await connection.waitFor(ANSWERED);
      await sendInPieces(connection, body.slice(1000));
      const received = await finish(connection);
      expect(connection.errors.map((e) => e.message)).toEqual([]);
      expect(firstStatus(received)).toBe(status);
      expect(lastJson(received)).toMatchObject({ status_code: status, message });
      expect(received).toMatch(/\r\nconnection: close\r\n/i);
    } finally {
      connection.close();
    }
  });

  it('reaches a client still sending a chunked body that outgrew the limit', async () => {
    const connection = await rawConnect(gateway.url, { allowHalfOpen: true });
    const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
    try {
      connection.send(purge(['Content-Type: application/json', 'Transfer-Encoding: chunked']) + chunk(`{"reason":"${'x'.repeat(LIMIT)}`));
      await connection.waitFor(ANSWERED);
      await sendInPieces(connection, Array.from({ length: 40 }, () => chunk('y'.repeat(4000))).join('') + chunk('"}') + '0\r\n\r\n');
      const received = await finish(connection);
      expect(connection.errors.map((e) => e.message)).toEqual([]);
      expect(firstStatus(received)).toBe(413);
    } finally {
      connection.close();
    }
  });

  it('reaches a client still sending headers too large to read, with a 431', async () => {
    const connection = await rawConnect(gateway.url, { allowHalfOpen: true });
    try {
      connection.send(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Large: ${'h'.repeat(20_000)}`);
      await connection.waitFor(ANSWERED);
      await sendInPieces(connection, 'h'.repeat(200_000));
      const received = await finish(connection);
      expect(connection.errors.map((e) => e.message)).toEqual([]);
      expect(firstStatus(received)).toBe(431);
    } finally {
      connection.close();
    }
  });

  it('processes no request sent behind a refusal on the connection it closes', async () => {
    const refused = 'not json';
    const job = JSON.stringify({ question: 'sent behind a refusal' });
    const connection = await rawConnect(gateway.url);
    try {
      connection.send(
        purge(['Content-Type: text/plain', `Content-Length: ${refused.length}`]) +
          refused +
          head([
            'POST /api/v1/solve/basic HTTP/1.1',
            'Host: x',
            `Authorization: Bearer ${Keys.alice}`,
            'Content-Type: application/json',
            `Content-Length: ${job.length}`,
          ]) +
          job,
      );
      const received = await connection.closed;
      expect(firstStatus(received)).toBe(400);
      expect(received.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
      expect(await nats.messageCount()).toBe(0);
    } finally {
      connection.close();
    }
  });
});
