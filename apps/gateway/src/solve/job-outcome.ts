import {
  changesStatus,
  JobStatus,
  transition,
  type EventEnvelope,
  type JobCompletedData,
  type JobCreatedData,
  type JobFailedData,
  type JobProgressData,
  type SolveMode,
  type SolveResult,
} from '@crux/contracts';

/** What `async_mode: false` answers: the job as it ended (or as far as it got). */
export interface SyncJobResponse {
  job_id: string;
  status: JobStatus;
  mode: SolveMode;
  owner: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  progress: number;
  current_phase: string | null;
  result: SolveResult | null;
  error: string | null;
}

/**
 * Folds one job's events, in stream order, into its current state — the same status rules as
 * job-state (a late `completed` after `cancel` changes nothing), without asking it.
 */
export class JobOutcome {
  private view: SyncJobResponse;
  private status: JobStatus | null = null;

  constructor(jobId: string, mode: SolveMode, owner: string, createdAt: string) {
    this.view = {
      job_id: jobId,
      status: JobStatus.Pending,
      mode,
      owner,
      created_at: createdAt,
      started_at: null,
      completed_at: null,
      progress: 0,
      current_phase: null,
      result: null,
      error: null,
    };
  }

  apply(event: EventEnvelope): void {
    if (changesStatus(event.type)) {
      const next = transition(this.status, event.type);
      if (!next.accepted) return;
      this.status = next.status;
      this.view.status = next.status;
    }
    switch (event.type) {
      case 'created': {
        const data = event.data as JobCreatedData;
        this.view.mode = data.mode;
        this.view.owner = data.owner;
        this.view.created_at = event.occurred_at;
        break;
      }
      case 'started':
        this.view.started_at ??= event.occurred_at;
        break;
      case 'progress': {
        const data = event.data as JobProgressData;
        this.view.progress = data.progress;
        this.view.current_phase = data.current_phase;
        break;
      }
      case 'completed':
        this.view.result = (event.data as JobCompletedData).result;
        this.view.progress = 1;
        this.view.completed_at = event.occurred_at;
        break;
      case 'failed':
        this.view.error = (event.data as JobFailedData).error;
        this.view.completed_at = event.occurred_at;
        break;
      case 'cancel':
        this.view.completed_at = event.occurred_at;
        break;
      default:
        break;
    }
  }

  get finished(): boolean {
    return this.status === JobStatus.Completed || this.status === JobStatus.Failed || this.status === JobStatus.Cancelled;
  }

  get current(): SyncJobResponse {
    return { ...this.view };
  }
}
