import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ApiHttpError } from '../errors/api-http-error.js';
import { EMPTY_BODY } from '../http/json-body.js';
import { validateDto } from './validate-dto.js';

type DtoClass = new () => object;

function dtoOf(metadata: ArgumentMetadata): DtoClass {
  const cls = metadata.metatype as DtoClass | undefined;
  if (!cls || cls === Object) throw new Error('ValidPipe needs a DTO class in the handler signature');
  return cls;
}

/**
 * Validates a @Body() or @Param() against the DTO class in the handler's signature (see
 * validateDto: no coercion, unknown fields refused). Cheaper than Nest's ValidationPipe,
 * which also runs class-transformer: this sits on the submit hot path. A body is required.
 *
 * Every path parameter of this API is a UUID (a job or a plan id), and a UUID is the same in
 * any case: it is lower-cased here, at the edge, so `GET /jobs/{ID}` finds the job that
 * `GET /jobs/{id}` does, as a purge plan naming it does.
 */
@Injectable()
export class ValidPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'param') return validateDto(dtoOf(metadata), lowerCased(value), 'path parameters');
    if (value === EMPTY_BODY) throw new ApiHttpError(400, 'request body is empty; send a JSON object');
    return validateDto(dtoOf(metadata), value);
  }
}

/** For routes whose body is optional (a `{reason}`): none at all is the empty DTO. */
@Injectable()
export class OptionalBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const cls = dtoOf(metadata);
    return value === undefined || value === EMPTY_BODY ? new cls() : validateDto(cls, value);
  }
}

function lowerCased(params: unknown): unknown {
  if (!params || typeof params !== 'object') return params;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) out[key] = typeof value === 'string' ? value.toLowerCase() : value;
  return out;
}
