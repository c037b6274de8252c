import { Controller, Get, Param, Res, StreamableFile } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Public } from '../auth/auth.decorators.js';
import { ConsoleAssets } from './console-assets.js';
import { ASSET_CACHE_CONTROL, CONSOLE_CONTENT_SECURITY_POLICY, PAGE_CACHE_CONTROL } from './console-headers.js';

/**
 * The ops console at /console: its page and the assets it names, from the console's build.
 * Headers go through Nest's HTTP adapter, so this works on Express and on Fastify alike;
 * they replace the API's Content-Security-Policy and no-store for these answers only.
 */
@Controller('console')
@Public()
export class ConsoleController {
  constructor(
    private readonly assets: ConsoleAssets,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  async page(@Res({ passthrough: true }) res: unknown): Promise<StreamableFile> {
    const page = await this.assets.page();
    this.headers(res, 'text/html; charset=utf-8', PAGE_CACHE_CONTROL);
    return new StreamableFile(page, { type: 'text/html; charset=utf-8', length: page.length });
  }

  @Get('assets/:file')
  async asset(@Param('file') file: string, @Res({ passthrough: true }) res: unknown): Promise<StreamableFile> {
    const found = await this.assets.asset(file);
    this.headers(res, found.contentType, ASSET_CACHE_CONTROL);
    return new StreamableFile(found.stream as import('node:stream').Readable, { type: found.contentType, length: found.length });
  }

  private headers(res: unknown, contentType: string, cacheControl: string): void {
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(res, 'Content-Type', contentType);
    adapter.setHeader(res, 'Cache-Control', cacheControl);
    adapter.setHeader(res, 'Content-Security-Policy', CONSOLE_CONTENT_SECURITY_POLICY);
  }
}
