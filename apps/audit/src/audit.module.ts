import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { Settings } from '@crux/contracts';
import { ClientsModule, Transport, type ClientNats } from '@nestjs/microservices';
import { connectNats, natsConnectionOptions, type NatsConnection, type RpcServer } from '@crux/messaging';
import { AuditLifecycle } from './audit.lifecycle.js';
import { Tokens } from './tokens.js';
import { Recorder } from './trail/recorder.js';
import { TrailReader } from './trail/trail-reader.js';
import { TrailRequestsController } from './trail/trail-requests.controller.js';
import { TrailStream } from './trail/trail-stream.js';
import { TrailWriter } from './trail/trail-writer.js';
import { VerdictsClient } from './trail/verdicts-client.js';

export const SERVICE_NAME = 'crux-audit';

/** audit: records the deletion paths' events in the AUDIT trail and answers queries on it. */
@Module({})
export class AuditModule {
  /** `rpc`: the transport the requests controller is served on (audit-app.ts); none where a test runs no requests. */
  static forRoot(settings: Settings, rpc: RpcServer | null = null): DynamicModule {
    const logger = new Logger('Audit');
    return {
      module: AuditModule,
      imports: [
        // Asks job-state's verdicts (a ClientProxy on Nest's NATS transport); closed at shutdown, after the recorder stopped.
        ClientsModule.register([
          {
            name: Tokens.StateClient,
            transport: Transport.NATS,
            options: natsConnectionOptions({ url: settings.natsUrl, name: `${SERVICE_NAME}-verdicts` }),
          },
        ]),
      ],
      controllers: [TrailRequestsController],
      providers: [
        { provide: Tokens.Settings, useValue: settings },
        { provide: Tokens.Requests, useValue: rpc },
        { provide: Tokens.Nats, useFactory: () => connectNats({ url: settings.natsUrl, name: SERVICE_NAME }) },
        { provide: Tokens.TrailStream, useFactory: (nc: NatsConnection) => TrailStream.open(nc), inject: [Tokens.Nats] },
        { provide: TrailWriter, useFactory: (stream: TrailStream) => new TrailWriter(stream, { logger }), inject: [Tokens.TrailStream] },
        { provide: TrailReader, useFactory: (stream: TrailStream) => new TrailReader(stream), inject: [Tokens.TrailStream] },
        {
          provide: Recorder,
          useFactory: (nc: NatsConnection, writer: TrailWriter, state: ClientNats) =>
            new Recorder(nc, writer, new VerdictsClient(state), logger),
          inject: [Tokens.Nats, TrailWriter, Tokens.StateClient],
        },
        AuditLifecycle,
      ],
      exports: [TrailWriter, TrailReader, Recorder],
    };
  }
}
