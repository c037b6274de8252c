import { Global, Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { ApiKeyRegistry } from './api-key-registry.js';
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
      provide: RateLimiter,
      useFactory: (config: GatewayConfig) => new RateLimiter(config.settings.rateLimitPerS, config.settings.rateLimitBurst),
      inject: [GATEWAY_CONFIG],
    },
  ],
  exports: [ApiKeyRegistry, RateLimiter],
})
export class AuthModule {}
