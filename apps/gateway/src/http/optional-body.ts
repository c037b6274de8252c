import type { IncomingMessage } from 'node:http';
import { ApiHttpError } from '../errors/api-http-error.js';
import { validateDto } from '../validation/validate-dto.js';

/** A request as Express hands it on: the JSON body parser has set `body` when there was one. */
export type RequestWithBody = IncomingMessage & { body?: unknown };

/** Whether the client sent a body at all (the same test the body parser makes). */
function sentBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * The body of a route whose body is optional (DELETE /jobs/{id}, restore, hold): none at all
 * is an empty DTO; one sent must be a JSON object the DTO accepts. A body the JSON parser
 * skipped (another Content-Type) is refused rather than ignored, so a reason sent as a form
 * is never silently dropped.
 */
export function optionalBody<T extends object>(cls: new () => T, req: RequestWithBody): T {
  if (req.body === undefined) {
    if (sentBody(req)) throw new ApiHttpError(400, 'request body must be a JSON object; send it with Content-Type: application/json');
    return new cls();
  }
  return validateDto(cls, req.body);
}
