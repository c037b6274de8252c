import { Module } from '@nestjs/common';
import { JobStateClient } from './job-state.client.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';

@Module({ controllers: [JobsController], providers: [JobStateClient, JobsService], exports: [JobStateClient] })
export class JobsModule {}
