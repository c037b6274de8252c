import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { JobEventsController } from './job-events.controller.js';
import { JobEventsService } from './job-events.service.js';
import { OpenStreams } from './open-streams.js';

@Module({
  imports: [JobsModule],
  controllers: [JobEventsController],
  providers: [JobEventsService, OpenStreams],
  exports: [OpenStreams],
})
export class EventsModule {}
