import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { AdminJobsController } from './admin-jobs.controller.js';
import { AdminJobsService } from './admin-jobs.service.js';
import { PurgesController } from './purges.controller.js';
import { PurgesService } from './purges.service.js';

/** Operator-only deletion paths: purge plans and their confirmation, restore, legal hold. */
@Module({ imports: [JobsModule], controllers: [PurgesController, AdminJobsController], providers: [PurgesService, AdminJobsService] })
export class AdminModule {}
