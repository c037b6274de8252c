import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/auth.decorators.js';
import { API_PREFIX } from '../http/api-paths.js';
import { ApiAnswer, ApiAnswerAs, ApiOp } from './api-responses.js';
import { ApiDescription } from './api-description.js';

@Controller(API_PREFIX)
@Public()
export class DocsController {
  constructor(private readonly description: ApiDescription) {}

  @Get('openapi.json')
  @ApiOp(
    'getOpenApi',
    'operations',
    'This OpenAPI document',
    "Generated from the gateway's controllers and the DTOs it validates requests with.",
  )
  @ApiAnswer(200, 'OpenAPI 3.1', {
    type: 'object',
    required: ['openapi', 'info', 'paths'],
    properties: { openapi: { type: 'string', const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' } },
  })
  openapi(): object {
    return this.description.document();
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiOp(
    'getDocsPage',
    'operations',
    'This API description as a web page',
    'One self-contained HTML page: no scripts, nothing from elsewhere.',
  )
  @ApiAnswerAs(200, 'HTML', 'text/html')
  docs(): string {
    return this.description.page();
  }
}
