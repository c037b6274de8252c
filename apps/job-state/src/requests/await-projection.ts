import type { JobView } from '@crux/contracts';
import type { JobReader } from '../redis/job-reader.js';

const POLL_MS = 20;

/**
 * The job once the projector has applied the event at `seq` (its version reached it), or
 * null if that did not happen within `timeoutMs` (projector behind, or the event refused).
 */
export async function awaitProjection(reader: JobReader, jobId: string, seq: number, timeoutMs: number): Promise<JobView | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await reader.read(jobId);
    if (view && view.version >= seq) return view;
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
