import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { ApiKeyRegistry } from './api-key-registry.js';
import { AuthGuard } from './auth.guard.js';
import { RateLimiter } from '../edge/rate-limiter.js';

@Global()
@Module({
  providers: [
    {
      provide: ApiKeyRegistry,
      useFactory: (config: GatewayConfig) => config.keys,
      inject: [GATEWAY_CONFIG],
    },
    {
      // One limiter for the Nest routes and the submit fast lane: a key's budget is shared.
      provide: RateLimiter,
      useFactory: (config: GatewayConfig) => new RateLimiter(config.settings.rateLimitPerS, config.settings.rateLimitBurst),
      inject: [GATEWAY_CONFIG],
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeyRegistry, RateLimiter],
})
export class AuthModule {}
