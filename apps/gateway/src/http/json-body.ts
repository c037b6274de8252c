import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiHttpError } from '../errors/api-http-error.js';
import { lingerAfterAnswer } from './lingering-close.js';

/** A JSON content type sent with nothing after it: told apart from no body at all. */
export const EMPTY_BODY: unique symbol = Symbol('empty body');

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([\w-]+)"?/i;

/**
 * The one body policy of every route: JSON only, UTF-8, uncompressed, at most `limit` bytes.
 * Returns why a body cannot be read, from its headers alone — so an over-limit body is refused
 * before `100 Continue` is sent and before one byte of it is read.
 */
export function refuseBodyHeaders(headers: IncomingMessage['headers'], limit: number): ApiHttpError | null {
  const type = headers['content-type'];
  if (!type || !JSON_TYPE.test(type))
    return new ApiHttpError(400, 'request body must be a JSON object; send it with Content-Type: application/json');
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8')
    return new ApiHttpError(415, `unsupported charset "${charset.toUpperCase()}"; send UTF-8`);
  const encoding = headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') {
    return new ApiHttpError(415, `unsupported content encoding "${encoding}"; send the body uncompressed`);
  }
  if (Number(headers['content-length']) > limit) return tooLarge(limit);
  return null;
}

const tooLarge = (limit: number) => new ApiHttpError(413, `request body is larger than the limit of ${limit} bytes (CRUX_MAX_BODY_BYTES)`);

/**
 * Replaces Fastify's body parsers with one for every content type. Fastify runs it after the
 * `onRequest` hooks, so a body is read only once the route, the key and its role are known;
 * never for a route that does not exist. `continueFor` gives the response of a request that
 * asked `Expect: 100-continue`: the 100 goes out only once the body is going to be read.
 */
export function installJsonBodyParser(
  fastify: FastifyInstance,
  limit: number,
  continueFor: (req: IncomingMessage) => ServerResponse | undefined,
): void {
  fastify.removeAllContentTypeParsers();
  const parse = (request: FastifyRequest, payload: Readable, done: (error: Error | null, body?: unknown) => void): void => {
    if (request.is404) {
      // Not read: Node discards what is left of it once the 404 is sent.
      done(null, undefined);
      return;
    }
    // Fastify answers a parser's error with `Connection: close`; the client may still be
    // sending the body, so the connection closes in stages (http/lingering-close.ts).
    const refuse = (error: Error) => {
      lingerAfterAnswer(request.raw);
      done(error);
    };
    const refusal = refuseBodyHeaders(request.headers, limit);
    if (refusal) {
      refuse(refusal);
      return;
    }
    continueFor(request.raw)?.writeContinue();
    readJson(payload, limit, (error, body) => (error ? refuse(error) : done(null, body)));
  };
  fastify.addContentTypeParser('*', parse);
  // The same parser, named for the usual type too: Fastify caches the parser it finds by a
  // request's Content-Type, except the catch-all's, which it looks up again (parsing the
  // media type) on every request.
  fastify.addContentTypeParser('application/json', parse);
}

/**
 * Reads the whole body and parses it, then calls `settle` once: with the body, or with the
 * 4xx to answer. A callback, not a promise: it runs on every request with a body, and Fastify
 * takes the parser's answer by callback anyway.
 */
function readJson(payload: Readable, limit: number, settle: (error: ApiHttpError | null, body?: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const cleanup = () => {
    payload.off('data', onData);
    payload.off('end', onEnd);
    payload.off('aborted', onAborted);
    payload.off('error', onError);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      cleanup();
      settle(tooLarge(limit));
      return;
    }
    chunks.push(chunk);
  };
  const onEnd = () => {
    cleanup();
    const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
    let body: unknown = EMPTY_BODY;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        settle(new ApiHttpError(400, 'request body is not valid JSON'));
        return;
      }
    }
    // Outside the try: an error thrown further down the request's handling is not "invalid JSON".
    settle(null, body);
  };
  const onAborted = () => {
    cleanup();
    settle(new ApiHttpError(400, 'the request body was cut off before it was complete'));
  };
  const onError = (error: Error) => {
    cleanup();
    settle(new ApiHttpError(400, 'the request body could not be read', undefined, { cause: error }));
  };
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('aborted', onAborted);
  payload.on('error', onError);
}
