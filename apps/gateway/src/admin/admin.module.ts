import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { AdminJobsController } from './admin-jobs.controller.js';
import { AdminJobsService } from './admin-jobs.service.js';
import { PurgesController } from './purges.controller.js';
import { PurgesService } from './purges.service.js';
import { RebuildStateController } from './rebuild-state.controller.js';
import { RebuildStateService } from './rebuild-state.service.js';

/** Operator-only routes: purge plans and their confirmation, restore, legal hold, rebuilding the live state. */
@Module({
  imports: [JobsModule],
  controllers: [PurgesController, AdminJobsController, RebuildStateController],
  providers: [PurgesService, AdminJobsService, RebuildStateService],
})
export class AdminModule {}
