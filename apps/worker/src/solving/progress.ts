/**
 * Progress of one solve, as the job's progress events carry it. The solver counts work in
 * units (one model round trip each) and reports the fraction done when a step starts;
 * an early stop skips the remaining units, so progress jumps but never goes back.
 */
export interface PartialResult {
  output: string;
  score: number;
  iteration: number;
  /** Which part of an enhanced solve produced it, e.g. `specialist 2 (Skeptic)` or `synthesis`. */
  source?: string;
}

export interface SolveProgress {
  /** 0..1, never decreasing within one job. */
  progress: number;
  current_phase: string;
  partial_results: PartialResult | null;
}

export type ProgressListener = (update: SolveProgress) => void;

export class ProgressTracker {
  private last = 0;

  constructor(
    private readonly totalUnits: number,
    private readonly listener: ProgressListener = () => undefined,
  ) {}

  report(unitsDone: number, phase: string, partial: PartialResult | null): void {
    const fraction = this.totalUnits > 0 ? Math.min(1, Math.max(0, unitsDone / this.totalUnits)) : 1;
    this.last = Math.max(this.last, Math.round(fraction * 10_000) / 10_000);
    this.listener({ progress: this.last, current_phase: phase, partial_results: partial });
  }

  done(partial: PartialResult | null): void {
    this.last = 1;
    this.listener({ progress: 1, current_phase: 'done', partial_results: partial });
  }
}
