import type { INestApplicationContext } from '@nestjs/common';
import { loadSettings, type Settings } from '@crux/contracts';
import { closeNats, connectNats, type NatsConnection } from '@crux/messaging';
import { startNats, type TestServer } from '@crux/test-harness';
import { startAuditApp } from '../../src/audit-app.js';
import { TrailAccess } from './trail-access.js';
import { VerdictsResponder } from './verdicts-responder.js';

/** A private nats-server with the audit service in-process, plus the test's own connection. */
export interface AuditRig {
  nats: TestServer;
  settings: Settings;
  app: INestApplicationContext | null;
  nc: NatsConnection;
  trail: TrailAccess;
  /** job-state's verdicts on command events, as the test decides them. */
  verdicts: VerdictsResponder;
  /** Starts the service (again); it provisions the streams and the consumer itself. */
  startApp(): Promise<INestApplicationContext>;
  stopApp(): Promise<void>;
  close(): Promise<void>;
}

export async function startAuditRig(options: { app?: boolean } = {}): Promise<AuditRig> {
  const nats = await startNats();
  const settings = loadSettings({ NATS_URL: nats.url, CRUX_ARCHIVE_RETENTION_S: '3600' });
  const nc = await connectNats({ url: nats.url, name: 'audit-spec' });
  const trail = await TrailAccess.open(nc, nats.url);
  const verdicts = await VerdictsResponder.start(nats.url);
  let closed = false;
  const rig: AuditRig = {
    nats,
    settings,
    app: null,
    nc,
    trail,
    verdicts,
    async startApp() {
      rig.app = await startAuditApp(settings, process.env.CRUX_TEST_VERBOSE ? ['error', 'warn', 'log'] : false);
      return rig.app;
    },
    async stopApp() {
      const app = rig.app;
      rig.app = null;
      await app?.close();
    },
    async close() {
      if (closed) return;
      closed = true;
      await rig.stopApp();
      await verdicts.stop();
      await trail.close();
      await closeNats(nc);
      await nats.stop();
    },
  };
  if (options.app !== false) await rig.startApp();
  return rig;
}
