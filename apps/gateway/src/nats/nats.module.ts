import { Global, Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { natsConnectionOptions } from '@crux/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { NatsService } from './nats.service.js';
import { SERVICES_CLIENT } from './service-client.js';

/**
 * The gateway's NATS: its own connection for JetStream (NatsService), and a ClientProxy on
 * Nest's NATS transport for requests to job-state and the audit service, logged in as the
 * same NATS user. Both close when the app shuts down.
 */
@Global()
@Module({
  imports: [
    ClientsModule.registerAsync([
      {
        name: SERVICES_CLIENT,
        useFactory: (config: GatewayConfig) => ({
          transport: Transport.NATS,
          options: natsConnectionOptions({ url: config.settings.natsUrl, name: 'crux-gateway-requests' }),
        }),
        inject: [GATEWAY_CONFIG],
      },
    ]),
  ],
  providers: [
    {
      provide: NatsService,
      useFactory: (config: GatewayConfig) => NatsService.connect(config.settings.natsUrl),
      inject: [GATEWAY_CONFIG],
    },
  ],
  exports: [NatsService, ClientsModule],
})
export class NatsModule {}
