import type { SolveMode } from './dto/solve-request.js';
import type { SolveResult } from './events/job-events.js';
import type { JobStatus } from './job-status.js';

/** A job as clients see it: the fields of the original API plus owner, model and lineage. */
export interface JobView {
  job_id: string;
  status: JobStatus;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  progress: number;
  current_phase: string | null;
  result: SolveResult | null;
  error: string | null;
  partial_results: unknown;
  request: Record<string, unknown>;
  mode: SolveMode;
  owner: string;
  model_name: string | null;
  continued_from: string | null;
  /** JOBS stream sequence of the last event applied to this job. */
  version: number;
  /** Seconds until Redis expires the live state; null when the job has no TTL. */
  ttl_s?: number | null;
  /** Under legal hold: no TTL, and no purge plan includes it. */
  held?: boolean;
}
