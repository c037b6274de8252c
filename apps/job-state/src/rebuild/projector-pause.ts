import type { Projector } from '../projector/projector.service.js';
import type { ProjectorFence } from '../redis/fenced-scripts.js';

/**
 * What a rebuild needs from the live projector: that it applies nothing while the rebuild
 * replays JOBS (it would ignore events for jobs not restored yet, and a later event applied
 * first would make the earlier ones stale), and that it goes on afterwards from its durable
 * consumer's ack floor (whatever it applies again is a no-op by version).
 */
export interface ProjectorPause {
  /** The projector runs in this replica, so this replica can hold it still (the lease holder, with several). */
  readonly here: boolean;
  /**
   * The projector lease's epoch while this replica holds it: the rebuild writes under it, so
   * that a replica that froze past the lease mid-rebuild writes nothing once another replica
   * took over (and projects). Undefined where the lease is held elsewhere.
   */
  readonly fence: ProjectorFence | undefined;
  /** Resolves once nothing is being applied. */
  pause(): Promise<void>;
  resume(): Promise<void>;
}

/**
 * The pause for a projector this replica runs: stop consuming, start again. A projector that
 * was not running (not started yet, or another replica's turn) is not started by the resume.
 */
export function pauseByStopping(projector: Pick<Projector, 'running' | 'start' | 'stop' | 'leaseFence'>): ProjectorPause {
  let wasRunning = false;
  return {
    get here() {
      return projector.running;
    },
    get fence() {
      return projector.leaseFence;
    },
    async pause() {
      wasRunning = projector.running;
      await projector.stop();
    },
    async resume() {
      if (wasRunning) await projector.start();
    },
  };
}
