import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/auth.decorators.js';
import { API_PREFIX } from '../http/api-paths.js';
import { asyncApiDocument } from './asyncapi.js';

/** GET /api/v1/asyncapi.json: the bus as a subscriber sees it (AsyncAPI 3), public like the OpenAPI document. */
@Controller(API_PREFIX)
@Public()
export class AsyncApiController {
  private readonly document = asyncApiDocument();

  @Get('asyncapi.json')
  asyncapi(): object {
    return this.document;
  }
}
