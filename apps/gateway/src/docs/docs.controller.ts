import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/auth.decorators.js';
import { API_PREFIX } from '../http/api-paths.js';
import { renderDocsPage } from './docs-page.js';
import { openApiDocument } from './openapi.js';

@Controller(API_PREFIX)
@Public()
export class DocsController {
  private readonly document = openApiDocument();
  private readonly page = renderDocsPage(this.document);

  @Get('openapi.json')
  openapi(): object {
    return this.document;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  docs(): string {
    return this.page;
  }
}
