import { createReadStream } from 'node:fs';
import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Injectable } from '@nestjs/common';
import { ApiHttpError } from '../errors/api-http-error.js';
import { contentTypeOf, isAssetName } from './console-headers.js';

/**
 * The console's built files (apps/console/dist, written by `nx build console`), found beside
 * the gateway's own folder whether it runs from src (tests) or dist: both are two levels
 * below apps/gateway.
 */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

export interface ConsoleFile {
  stream: NodeJS.ReadableStream;
  length: number;
  contentType: string;
}

@Injectable()
export class ConsoleAssets {
  constructor(private readonly root: string = CONSOLE_DIST) {}

  /** The page, read on each request: small, and a rebuild is then served at once. */
  async page(): Promise<Buffer> {
    try {
      return await readFile(join(this.root, 'index.html'));
    } catch {
      throw new ApiHttpError(
        404,
        `the ops console is not built (no ${join(this.root, 'index.html')}): run npx nx build console, or npm start, which builds everything`,
      );
    }
  }

  /** One file of dist/assets, streamed; 404 for a name that is not one of them. */
  async asset(name: string): Promise<ConsoleFile> {
    const contentType = contentTypeOf(name);
    if (!isAssetName(name) || !contentType) throw notFound(name);
    const path = join(this.root, 'assets', name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw notFound(name);
    return { stream: createReadStream(path), length: info.size, contentType };
  }
}

function notFound(name: string): ApiHttpError {
  return new ApiHttpError(404, `no console asset named '${name.slice(0, 100)}' (the page names the current build's assets; reload it)`);
}
