import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { ApiKeyRegistry } from './api-key-registry.js';
import { AuthGuard } from './auth.guard.js';

@Global()
@Module({
  providers: [
    {
      provide: ApiKeyRegistry,
      useFactory: (config: GatewayConfig) => new ApiKeyRegistry(config.settings.apiKeys),
      inject: [GATEWAY_CONFIG],
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeyRegistry],
})
export class AuthModule {}
