import type { IncomingMessage } from 'node:http';
import { ApiHttpError } from '../errors/api-http-error.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([\w-]+)"?/i;

/**
 * Reads and parses a JSON request body with the same rules and answers as the Express body
 * parser on the other routes: at most `limit` bytes (413, without reading the rest), UTF-8,
 * no compression, valid JSON (400). The value may be any JSON value; whether it is an object
 * is the validator's call.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (!type || !JSON_TYPE.test(type)) {
    return Promise.reject(new ApiHttpError(400, 'request body must be a JSON object; send it with Content-Type: application/json'));
  }
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    return Promise.reject(new ApiHttpError(415, `unsupported charset "${charset.toUpperCase()}"; send UTF-8`));
  }
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') {
    return Promise.reject(new ApiHttpError(415, `unsupported content encoding "${encoding}"; send the body uncompressed`));
  }
  const tooLarge = () => new ApiHttpError(413, `request body is larger than the limit of ${limit} bytes (CRUX_MAX_BODY_BYTES)`);
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge());

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      if (text.trim() === '') {
        reject(new ApiHttpError(400, 'request body is empty; send a JSON object'));
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new ApiHttpError(400, 'request body is not valid JSON'));
      }
    };
    const onAborted = () => {
      cleanup();
      reject(new ApiHttpError(400, 'the request body was cut off before it was complete'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new ApiHttpError(400, 'the request body could not be read', undefined, { cause: error }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onError);
  });
}
