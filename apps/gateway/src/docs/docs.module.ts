import { Module } from '@nestjs/common';
import { ApiDescription } from './api-description.js';
import { AsyncApiController } from './asyncapi.controller.js';
import { DocsController } from './docs.controller.js';

@Module({ controllers: [DocsController, AsyncApiController], providers: [ApiDescription], exports: [ApiDescription] })
export class DocsModule {}
