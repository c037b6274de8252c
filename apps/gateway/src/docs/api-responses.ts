/**
 * Decorators that describe a route's answers in the OpenAPI document (@nestjs/swagger). The
 * refusals every route of a kind gives (401/403/429 of the edge hook, 413/415 of the body
 * parser, 408/414/431 of the HTTP server) are added where the document is built, from the
 * routes themselves (openapi-document.ts); these are each route's own.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { pathParameterSchemas } from './request-schemas.js';
import { ref } from './response-schemas.js';
import type { QueryParameter } from '../http/query-reader.js';
import type { Schema } from './dto-schema.js';

const json = (schema: Schema) => ({ 'application/json': { schema } });

/** The header of a refusal that says when to try again (429, and the event streams' 503). */
export const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } },
};

/** What each refusal means on most routes; a route whose refusal means more says so with ApiRefusal. */
const REFUSALS = {
  404: 'No such job — or one owned by another submitter, which answers exactly the same.',
  410: 'The job was deleted: `deleted_at`, `reason` and `actor` say when, why and by whom.',
  502: 'A service the gateway depends on answered something the gateway does not understand.',
  503: 'A service the gateway depends on (job-state, the audit service, JetStream) is not answering, or the gateway is shutting down.',
} as const;

/** One operation: its id (what generated clients call it), tag, summary and description. */
export function ApiOp(operationId: string, tag: string, summary: string, description?: string): MethodDecorator {
  return applyDecorators(ApiOperation({ operationId, summary, ...(description ? { description } : {}) }), ApiTags(tag));
}

/** A successful answer with a JSON body of the named component schema (or an inline one). */
export function ApiAnswer(
  status: number,
  description: string,
  schema: string | Schema,
  headers?: Record<string, unknown>,
): MethodDecorator {
  return ApiResponse({
    status,
    description,
    content: json(typeof schema === 'string' ? ref(schema) : schema),
    ...(headers ? { headers: headers as never } : {}),
  });
}

/** A successful answer that is not JSON (a page, metrics text, an event stream). */
export function ApiAnswerAs(status: number, description: string, mediaType: string, schema: Schema = { type: 'string' }): MethodDecorator {
  return ApiResponse({ status, description, content: { [mediaType]: { schema } } });
}

/** An error answer in the `{status_code, error, message}` shape, described for this route. */
export function ApiRefusal(
  status: number,
  description: string,
  options: { schema?: string; headers?: Record<string, unknown> } = {},
): MethodDecorator {
  return ApiResponse({
    status,
    description,
    content: json(ref(options.schema ?? 'ApiError')),
    ...(options.headers ? { headers: options.headers as never } : {}),
  });
}

/** The usual refusals of a route that asks another service (404/410 about a job, 502, 503). */
export function ApiRefusals(...statuses: (keyof typeof REFUSALS)[]): MethodDecorator {
  return applyDecorators(...statuses.map((status) => ApiRefusal(status, REFUSALS[status], status === 410 ? { schema: 'GoneError' } : {})));
}

/** The path parameters a route validates with JobIdParam or PlanIdParam. */
export function ApiIdParam(name: keyof typeof pathParameterSchemas): MethodDecorator {
  const { properties } = pathParameterSchemas[name] as { properties: Record<string, Schema> };
  const { description, ...schema } = properties[name];
  return ApiParam({ name, required: true, description: description as string, schema: schema as never });
}

export function ApiQueryParams(parameters: readonly QueryParameter[]): MethodDecorator {
  return applyDecorators(
    ...parameters.map((p) =>
      ApiQuery({ name: p.name, required: p.required ?? false, description: p.description, schema: p.schema as never }),
    ),
  );
}

/** The optional `{reason}` body (ReasonBody) of cancel, restore, hold, release and rebuild. */
export function ApiOptionalBody(what: string): MethodDecorator {
  return ApiBody({
    required: false,
    description: `Optional: ${what}. Send no body at all, or a JSON object.`,
    schema: ref('ReasonBody') as never,
  });
}
