import { Module } from '@nestjs/common';
import { AuditClient } from './audit.client.js';
import { AuditController } from './audit.controller.js';

@Module({ controllers: [AuditController], providers: [AuditClient], exports: [AuditClient] })
export class AuditModule {}
