import { Module } from '@nestjs/common';
import { AsyncApiController } from './asyncapi.controller.js';
import { DocsController } from './docs.controller.js';

@Module({ controllers: [DocsController, AsyncApiController] })
export class DocsModule {}
