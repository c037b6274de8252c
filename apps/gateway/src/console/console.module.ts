import { Module } from '@nestjs/common';
import { ConsoleAssets } from './console-assets.js';
import { ConsoleController } from './console.controller.js';
import { WhoamiController } from './whoami.controller.js';

/** The ops console's page and assets at /console, and the whoami route its sign-in uses. */
@Module({
  controllers: [ConsoleController, WhoamiController],
  providers: [{ provide: ConsoleAssets, useFactory: () => new ConsoleAssets() }],
})
export class ConsoleModule {}
