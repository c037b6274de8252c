import { apiError, type Reply, type VerdictsReply } from '@crux/contracts';
import { checkVerdictsRequest } from '../domain/index.js';
import type { JobReader } from '../redis/job-reader.js';
import type { ProjectorProgress } from './projector-progress.js';

/**
 * Answers `job.state.verdicts`: which of some JOBS events the projection refused, once it has
 * judged them all. The audit asks before recording commands, so the trail never holds an
 * event that changed nothing. Not judged in time (projector down, a rebuild under way): 503,
 * and the asker asks again.
 */
export class VerdictsService {
  constructor(
    private readonly reader: JobReader,
    private readonly progress: ProjectorProgress,
    private readonly waitMs: number,
  ) {}

  async verdicts(request: unknown): Promise<Reply<VerdictsReply>> {
    const checked = checkVerdictsRequest(request);
    if (!checked.ok) return checked;
    const last = Math.max(...checked.value.map((e) => e.seq));
    if (!(await this.progress.awaitJudged(last, this.waitMs))) {
      return {
        ok: false,
        error: apiError(503, 'Service Unavailable', `the projection has not reached JOBS sequence ${last} yet; ask again shortly`),
      };
    }
    const refusals = await this.reader.refusals(checked.value.map((e) => e.id));
    return { ok: true, value: { refused: [...refusals.values()] } };
  }
}
