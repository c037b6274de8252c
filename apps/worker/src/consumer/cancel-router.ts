/**
 * Applies a cancel read from JOBS to the delivery of that job this worker holds, at once and
 * with nothing awaited between reading the cancel and signalling the child: a running job's
 * child is revoked (SIGTERM, SIGKILL after the grace, retried until the process is gone); a
 * job waiting for a child is withdrawn; a job not yet started is dropped where the runner
 * next looks (job-state records its `not-started` revoke). Nothing else is published for a
 * cancelled job but the `job.revoked` the outcome recorder writes once its child is gone,
 * including a child that finished the job before this worker read the cancel (it was frozen
 * or cut off unawares): the cancel came first in JOBS, so that child is stopped too.
 */
import type { WorkerPool } from '../pool/worker-pool.js';
import type { PoolLogger } from '../pool/pool-types.js';
import type { ActiveDelivery, CancelNotice } from './active-delivery.js';
import { CancelAction, actionOnCancel } from './cancel-decision.js';

export class CancelRouter {
  constructor(
    private readonly pool: WorkerPool,
    private readonly revokeGraceMs: number,
    private readonly logger: PoolLogger,
  ) {}

  cancel(delivery: ActiveDelivery, notice: CancelNotice): void {
    if (delivery.cancel || delivery.abandoned) return;
    delivery.cancel = notice;
    const action = actionOnCancel(delivery.phase);
    switch (action) {
      case CancelAction.Revoke:
        void this.pool.revoke(delivery.jobId, this.revokeGraceMs);
        delivery.throttle?.cancel();
        delivery.publisher?.close();
        this.logger.log(
          `job ${delivery.jobId} cancelled: sent SIGTERM to child ${delivery.pid}, SIGKILL follows after ${this.revokeGraceMs} ms if it is still alive`,
        );
        return;
      case CancelAction.Withdraw:
        delivery.withdraw.abort();
        return;
      case CancelAction.Drop:
      case CancelAction.VoidResult:
        // Acted on where the runner next looks at `cancel`: after the decision, or before recording the result.
        delivery.throttle?.cancel();
        delivery.publisher?.close();
        return;
      default: {
        const unknown: never = action;
        throw new Error(`unhandled cancel action ${String(unknown)}`);
      }
    }
  }
}
