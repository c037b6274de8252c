import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { Settings } from '@crux/contracts';
import { connectNats, type NatsConnection } from '@crux/messaging';
import { AuditLifecycle } from './audit.lifecycle.js';
import { Tokens } from './tokens.js';
import { Recorder } from './trail/recorder.js';
import { TrailReader } from './trail/trail-reader.js';
import { TrailRequests } from './trail/trail-requests.js';
import { TrailStream } from './trail/trail-stream.js';
import { TrailWriter } from './trail/trail-writer.js';
import { VerdictsClient } from './trail/verdicts-client.js';

export const SERVICE_NAME = 'crux-audit';

/** audit: records the deletion paths' events in the AUDIT trail and answers queries on it. */
@Module({})
export class AuditModule {
  static forRoot(settings: Settings): DynamicModule {
    const logger = new Logger('Audit');
    return {
      module: AuditModule,
      providers: [
        { provide: Tokens.Settings, useValue: settings },
        { provide: Tokens.Nats, useFactory: () => connectNats({ url: settings.natsUrl, name: SERVICE_NAME }) },
        { provide: Tokens.TrailStream, useFactory: (nc: NatsConnection) => TrailStream.open(nc), inject: [Tokens.Nats] },
        { provide: TrailWriter, useFactory: (stream: TrailStream) => new TrailWriter(stream, { logger }), inject: [Tokens.TrailStream] },
        { provide: TrailReader, useFactory: (stream: TrailStream) => new TrailReader(stream), inject: [Tokens.TrailStream] },
        {
          provide: Recorder,
          useFactory: (nc: NatsConnection, writer: TrailWriter) => new Recorder(nc, writer, new VerdictsClient(nc), logger),
          inject: [Tokens.Nats, TrailWriter],
        },
        {
          provide: TrailRequests,
          useFactory: (nc: NatsConnection, reader: TrailReader) => new TrailRequests(nc, reader, logger),
          inject: [Tokens.Nats, TrailReader],
        },
        AuditLifecycle,
      ],
      exports: [TrailWriter, TrailReader, Recorder, TrailRequests],
    };
  }
}
