import type { INestMicroservice, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueueGroup, type Settings } from '@crux/contracts';
import { RpcServer } from '@crux/messaging';
import { AuditModule, SERVICE_NAME } from './audit.module.js';

/**
 * Starts the audit service as a Nest microservice: the module's start (provision, load the
 * trail's tail, record) runs first, then its `@MessagePattern` handlers answer `audit.query`
 * and `audit.verify` on Nest's NATS transport in queue group `audit`, shared by the replicas.
 */
export async function startAuditApp(settings: Settings, logger: LoggerService | LogLevel[] | false): Promise<INestMicroservice> {
  const rpc = new RpcServer({ url: settings.natsUrl, name: `${SERVICE_NAME}-requests`, queue: QueueGroup.Audit });
  const app = await NestFactory.createMicroservice(AuditModule.forRoot(settings, rpc), { strategy: rpc, logger });
  await app.listen();
  return app;
}
