import { Injectable, type INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { RouteTable } from '../http/route-table.js';
import { renderDocsPage } from './docs-page.js';
import { buildOpenApiDocument } from './openapi-document.js';

/**
 * The OpenAPI document and its page, built once on first request: the scan needs the whole
 * app and the routes its HTTP server registered, which exist only once it has started.
 */
@Injectable()
export class ApiDescription {
  private app: INestApplication | null = null;
  private built: { document: OpenAPIObject; page: string } | null = null;

  /** Called by gateway-app.ts once the app exists. */
  attach(app: INestApplication): void {
    this.app = app;
  }

  document(): OpenAPIObject {
    return this.build().document;
  }

  page(): string {
    return this.build().page;
  }

  private build(): { document: OpenAPIObject; page: string } {
    if (!this.built) {
      if (!this.app) throw new Error('ApiDescription used before gateway-app.ts attached the app');
      const document = buildOpenApiDocument(this.app, this.app.get(RouteTable).routes);
      this.built = { document, page: renderDocsPage(document as unknown as Record<string, unknown>) };
    }
    return this.built;
  }
}
