import { Inject, Injectable } from '@nestjs/common';
import { Subjects, type GetJobRequest } from '@crux/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { JobStateClient } from '../jobs/job-state.client.js';
import { NatsService } from '../nats/nats.service.js';

export type CheckResult = 'ok' | string;

export interface Readiness {
  ready: boolean;
  checks: { nats: CheckResult; job_state: CheckResult };
}

/** A job id no job ever has: asking for it exercises job-state and its Redis without touching a job. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Longest a readiness probe waits for job-state; probes are polled, and must answer fast. */
const PROBE_TIMEOUT_MS = 2000;

@Injectable()
export class ReadinessService {
  constructor(
    private readonly nats: NatsService,
    private readonly state: JobStateClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Ready when NATS is connected and job-state answers `job.state.get`. Any reply counts,
   * a 404 included: it proves job-state is up and its Redis answered.
   */
  async check(): Promise<Readiness> {
    if (!this.nats.connected) {
      return { ready: false, checks: { nats: 'not connected to NATS', job_state: 'not checked (no NATS connection)' } };
    }
    try {
      const timeout = Math.min(this.config.settings.requestTimeoutMs, PROBE_TIMEOUT_MS);
      await this.state.reply<GetJobRequest, unknown>(Subjects.stateGet, { job_id: NIL_UUID }, timeout);
      return { ready: true, checks: { nats: 'ok', job_state: 'ok' } };
    } catch {
      return { ready: false, checks: { nats: 'ok', job_state: `job-state did not answer ${Subjects.stateGet}` } };
    }
  }
}
