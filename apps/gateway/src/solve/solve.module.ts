import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { SolveHttpHandler } from './solve-http.handler.js';
import { SolveService } from './solve.service.js';

/** Job submission. Its routes are served by SolveHttpHandler, which the bootstrap mounts ahead of Express. */
@Module({ imports: [EventsModule], providers: [SolveService, SolveHttpHandler], exports: [SolveHttpHandler] })
export class SolveModule {}
