import { Global, Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { NatsService } from './nats.service.js';

@Global()
@Module({
  providers: [
    {
      provide: NatsService,
      useFactory: (config: GatewayConfig) => NatsService.connect(config.settings.natsUrl),
      inject: [GATEWAY_CONFIG],
    },
  ],
  exports: [NatsService],
})
export class NatsModule {}
