import { apiError, RebuildTrigger, type RebuildProgress, type Reply } from '@crux/contracts';
import { checkActor, checkReason } from '../domain/index.js';
import type { StateRebuilder } from './state-rebuilder.js';

/** How a running rebuild is named in answers and readiness: "N of M events". */
export function describeRebuild(p: RebuildProgress): string {
  return `rebuild ${p.rebuild_id}, started at ${p.started_at} by ${p.actor}: ${p.events_read} of ${p.events_total} events`;
}

/** `job.state.rebuild` and `job.state.rebuild_status`. */
export class RebuildRequests {
  constructor(private readonly rebuilder: StateRebuilder) {}

  async rebuild(request: unknown): Promise<Reply<RebuildProgress>> {
    const r = (request ?? {}) as Record<string, unknown>;
    const actor = checkActor(r.actor);
    if (!actor.ok) return actor;
    const reason = checkReason(r.reason);
    if (!reason.ok) return reason;
    const begun = await this.rebuilder.begin({ trigger: RebuildTrigger.Operator, actor: actor.value, reason: reason.value });
    if (!begun.started) {
      return {
        ok: false,
        error: apiError(
          409,
          'Conflict',
          `a rebuild of the live state is already running (${describeRebuild(begun.running)}); follow it with GET /api/v1/admin/rebuild-state`,
          {
            rebuild_id: begun.running.rebuild_id,
          },
        ),
      };
    }
    return { ok: true, value: begun.progress };
  }

  async status(_request: unknown): Promise<Reply<RebuildProgress>> {
    const latest = await this.rebuilder.latest();
    if (!latest)
      return { ok: false, error: apiError(404, 'Not Found', 'no rebuild of the live state is recorded since Redis last lost its state') };
    return { ok: true, value: latest };
  }

  /** While this replica rebuilds: what readiness and reads of missing jobs should say (503). */
  rebuildingMessage(): string | null {
    const p = this.rebuilder.current;
    return p ? `job-state is rebuilding the live state from JOBS: ${p.events_read} of ${p.events_total} events` : null;
  }
}
