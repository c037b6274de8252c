import type { INestMicroservice, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueueGroup, type Settings } from '@crux/contracts';
import { RpcServer } from '@crux/messaging';
import { JobStateModule, SERVICE_NAME } from './job-state.module.js';

/**
 * Starts job-state as a Nest microservice: the module's start (provision, project, watch)
 * runs first, then its `@MessagePattern` handlers answer `job.state.*` on Nest's NATS
 * transport in queue group `job-state`, shared by the replicas.
 */
export async function startJobStateApp(settings: Settings, logger: LoggerService | LogLevel[] | false): Promise<INestMicroservice> {
  const rpc = new RpcServer({ url: settings.natsUrl, name: `${SERVICE_NAME}-requests`, queue: QueueGroup.JobState });
  const app = await NestFactory.createMicroservice(JobStateModule.forRoot(settings, rpc), { strategy: rpc, logger });
  await app.listen();
  return app;
}
