import type { PoolLogger } from '../src/pool/pool-types.js';
import { WorkerPool, type WorkerPoolOptions } from '../src/pool/worker-pool.js';
import type { SolveSpec } from '../src/solving/solve-spec.js';

/** A pool of real children running the built child entry, with simulated model calls of `latencyMs`. */
export function testPool(size: number, latencyMs: number, extra: Partial<WorkerPoolOptions> = {}): WorkerPool {
  return new WorkerPool({
    size,
    env: { ...process.env, CRUX_SIMULATED_LATENCY_MS: String(latencyMs), CRUX_PROVIDER: 'simulated' },
    ...extra,
  });
}

export function basicSpec(jobId: string, n_iters: number, over: Partial<SolveSpec> = {}): SolveSpec {
  return {
    job_id: jobId,
    mode: 'basic',
    request: { question: `question of ${jobId}`, n_iters },
    llm_provider: null,
    model_name: null,
    ...over,
  };
}

/** True while a process with this pid exists; false once kill(pid, 0) fails with ESRCH. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** A logger that keeps every line, to show what the pool and consumer did (e.g. a discarded result). */
export class CapturedLog implements PoolLogger {
  readonly lines: string[] = [];

  debug(message: string): void {
    this.lines.push(`debug: ${message}`);
  }

  log(message: string): void {
    this.lines.push(`log: ${message}`);
  }

  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }

  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }

  has(pattern: RegExp): boolean {
    return this.lines.some((line) => pattern.test(line));
  }

  count(pattern: RegExp): number {
    return this.lines.filter((line) => pattern.test(line)).length;
  }
}
