import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { ContinueController } from './continue.controller.js';
import { ContinueService } from './continue.service.js';
import { SolveHttpHandler } from './solve-http.handler.js';
import { SolveService } from './solve.service.js';

/**
 * Job submission. The submit routes are served by SolveHttpHandler, which the bootstrap
 * mounts ahead of Express; continuing a job is an ordinary Nest route (it asks job-state
 * about the origin first, so it is no hot path).
 */
@Module({
  imports: [EventsModule, JobsModule],
  controllers: [ContinueController],
  providers: [SolveService, SolveHttpHandler, ContinueService],
  exports: [SolveHttpHandler],
})
export class SolveModule {}
