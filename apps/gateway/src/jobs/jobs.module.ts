import { Module } from '@nestjs/common';
import { JobCancelService } from './job-cancel.service.js';
import { JobStateClient } from './job-state.client.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';

@Module({
  controllers: [JobsController],
  providers: [JobStateClient, JobsService, JobCancelService],
  exports: [JobStateClient, JobsService],
})
export class JobsModule {}
