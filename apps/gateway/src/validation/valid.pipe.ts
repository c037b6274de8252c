import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { validateDto } from './validate-dto.js';

/**
 * Validates a @Body() or @Param() against the DTO class in the handler's signature (see
 * validateDto: no coercion, unknown fields refused). Cheaper than Nest's ValidationPipe,
 * which also runs class-transformer: this sits on the submit hot path.
 */
@Injectable()
export class ValidPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const cls = metadata.metatype as (new () => object) | undefined;
    if (!cls || cls === Object) throw new Error('ValidPipe needs a DTO class in the handler signature');
    return validateDto(cls, value, metadata.type === 'param' ? 'path parameters' : 'request body');
  }
}
