import type { ServerResponse } from 'node:http';
import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '../auth/auth.decorators.js';
import { API_PREFIX } from '../http/api-paths.js';
import { sendJson } from '../http/send-json.js';
import { renderDocsPage } from './docs-page.js';
import { openApiDocument } from './openapi.js';

@Controller(API_PREFIX)
@Public()
export class DocsController {
  private readonly document = openApiDocument();
  private readonly page = renderDocsPage(this.document);

  @Get('openapi.json')
  openapi(@Res() res: ServerResponse): void {
    sendJson(res, 200, this.document);
  }

  @Get('docs')
  docs(@Res() res: ServerResponse): void {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(this.page);
  }
}
