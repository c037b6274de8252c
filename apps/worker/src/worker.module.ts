import { Module, type DynamicModule } from '@nestjs/common';
import type { Settings } from '@crux/contracts';
import { WorkerService } from './worker.service.js';
import { WORKER_SETTINGS } from './worker-settings.js';

@Module({})
export class WorkerModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: WorkerModule,
      providers: [{ provide: WORKER_SETTINGS, useValue: settings }, WorkerService],
    };
  }
}
