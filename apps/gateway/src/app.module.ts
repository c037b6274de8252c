import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AdminModule } from './admin/admin.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ConsoleModule } from './console/console.module.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway-config.js';
import { DocsModule } from './docs/docs.module.js';
import { ApiExceptionFilter } from './errors/api-exception.filter.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { GracefulClose } from './http/graceful-close.js';
import { RouteTable } from './http/route-table.js';
import { JobsModule } from './jobs/jobs.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NatsModule } from './nats/nats.module.js';
import { SolveModule } from './solve/solve.module.js';

/**
 * The gateway: one feature module per part of the API (solve, jobs, events, admin, audit,
 * health, docs), plus the shared pieces every route relies on (config, NATS, auth, metrics,
 * errors).
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        NatsModule,
        AuthModule,
        MetricsModule,
        SolveModule,
        JobsModule,
        EventsModule,
        AdminModule,
        AuditModule,
        HealthModule,
        DocsModule,
        ConsoleModule,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        GracefulClose,
        RouteTable,
      ],
      exports: [GATEWAY_CONFIG],
    };
  }
}
