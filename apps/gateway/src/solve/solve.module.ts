import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { ContinueController } from './continue.controller.js';
import { ContinueService } from './continue.service.js';
import { SolveController } from './solve.controller.js';
import { SolveService } from './solve.service.js';

/** Job submission: submitting a job (the hot path), and continuing one as a new job. */
@Module({
  imports: [EventsModule, JobsModule],
  controllers: [SolveController, ContinueController],
  providers: [SolveService, ContinueService],
})
export class SolveModule {}
