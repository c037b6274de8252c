import { Controller, Get, Param, Res, StreamableFile } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiParam } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';
import { ApiAnswerAs, ApiOp, ApiRefusal } from '../docs/api-responses.js';
import { ConsoleAssets } from './console-assets.js';
import { ASSET_CACHE_CONTROL, ASSET_NAME_PATTERN, CONSOLE_CONTENT_SECURITY_POLICY, PAGE_CACHE_CONTROL } from './console-headers.js';

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
  @ApiOp(
    'getConsole',
    'operations',
    'The ops console',
    "A browser app for operators, auditors and submitters: live jobs, a job's timeline, the trail, purges and readiness. Its own " +
      'Content-Security-Policy allows scripts, styles and API calls of this origin only.',
  )
  @ApiAnswerAs(200, 'The console page; it signs in with an API key held in the browser tab.', 'text/html')
  @ApiRefusal(404, 'The console is not built (npx nx build console).')
  async page(@Res({ passthrough: true }) res: unknown): Promise<StreamableFile> {
    const page = await this.assets.page();
    this.headers(res, 'text/html; charset=utf-8', PAGE_CACHE_CONTROL);
    return new StreamableFile(page, { type: 'text/html; charset=utf-8', length: page.length });
  }

  @Get('assets/:file')
  @ApiOp(
    'getConsoleAsset',
    'operations',
    'A file of the ops console',
    'A script, stylesheet or image of the console build, cached for good (its name carries a content hash).',
  )
  @ApiParam({
    name: 'file',
    required: true,
    description: 'A file name the console page names.',
    schema: { type: 'string', pattern: ASSET_NAME_PATTERN },
  })
  @ApiAnswerAs(200, 'The file, with its own content type.', '*/*')
  @ApiRefusal(404, 'No such file in the console build.')
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
