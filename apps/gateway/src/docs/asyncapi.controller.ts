import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/auth.decorators.js';
import { API_PREFIX } from '../http/api-paths.js';
import { ApiAnswer, ApiOp } from './api-responses.js';
import { asyncApiDocument } from './asyncapi.js';

/** GET /api/v1/asyncapi.json: the bus as a subscriber sees it (AsyncAPI 3), public like the OpenAPI document. */
@Controller(API_PREFIX)
@Public()
export class AsyncApiController {
  private readonly document = asyncApiDocument();

  @Get('asyncapi.json')
  @ApiOp(
    'getAsyncApi',
    'operations',
    'The AsyncAPI 3 description of the bus',
    'Job event subjects, the envelope, each payload, trail records.',
  )
  @ApiAnswer(200, 'AsyncAPI 3', {
    type: 'object',
    required: ['asyncapi', 'info', 'channels'],
    properties: { asyncapi: { type: 'string', pattern: '^3\\.' }, info: { type: 'object' }, channels: { type: 'object' } },
  })
  asyncapi(): object {
    return this.document;
  }
}
