import { Inject, Injectable } from '@nestjs/common';
import { Subjects, type AuditQuery, type GetJobRequest } from '@crux/contracts';
import { AuditClient } from '../audit/audit.client.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { JobStateClient } from '../jobs/job-state.client.js';
import { NatsService } from '../nats/nats.service.js';

export type CheckResult = 'ok' | string;

export interface Readiness {
  ready: boolean;
  checks: { nats: CheckResult; job_state: CheckResult; audit: CheckResult };
}

/** A job id no job ever has: asking for it exercises job-state and its Redis without touching a job. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** The cheapest question the audit service answers from its stream (verify would re-hash the trail). */
export const AUDIT_PROBE: AuditQuery = { limit: 1 };

/** Longest a readiness probe waits for a service; probes are polled, and must answer fast. */
const PROBE_TIMEOUT_MS = 2000;

@Injectable()
export class ReadinessService {
  constructor(
    private readonly nats: NatsService,
    private readonly state: JobStateClient,
    private readonly audit: AuditClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Ready when NATS is connected, job-state answers `job.state.get` and the audit service
   * answers `audit.query`. Any reply counts, an error included: it proves the service is up;
   * except job-state's 503, which says it is up but not serving yet (rebuilding the live state).
   * The audit service is required: while it is away the deletion trail cannot be read or
   * verified, and the deletions this gateway takes would reach the trail only later.
   */
  async check(): Promise<Readiness> {
    if (!this.nats.connected) {
      const skipped = 'not checked (no NATS connection)';
      return { ready: false, checks: { nats: 'not connected to NATS', job_state: skipped, audit: skipped } };
    }
    const timeout = Math.min(this.config.settings.requestTimeoutMs, PROBE_TIMEOUT_MS);
    const [jobState, audit] = await Promise.all([
      this.state
        .reply<GetJobRequest, unknown>(Subjects.stateGet, { job_id: NIL_UUID }, timeout)
        // A 503 is job-state saying it is not serving yet (rebuilding the live state from JOBS: N of M events).
        .then(
          (reply) => (reply.ok === false && reply.error?.status_code === 503 ? reply.error.message : 'ok'),
          () => `job-state did not answer ${Subjects.stateGet}`,
        ),
      this.audit.reply<AuditQuery, unknown>(Subjects.auditQuery, AUDIT_PROBE, timeout).then(
        () => 'ok',
        () => `the audit service did not answer ${Subjects.auditQuery}`,
      ),
    ]);
    return { ready: jobState === 'ok' && audit === 'ok', checks: { nats: 'ok', job_state: jobState, audit } };
  }
}
