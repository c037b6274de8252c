/**
 * Baseline of the lifecycle benchmark: a BullMQ Worker, in its own process as Crux's worker
 * is, with BullMQ's defaults apart from the concurrency, which matches Crux's pool. Its
 * processor does the same trivial work as the simulated provider at 0 ms latency with
 * n_iters 1 (a draft and a review, each a sha256 of the text) and returns a result of the
 * same shape as Crux's SolveResult.
 *
 * Environment: REDIS_URL, BENCH_QUEUE, BENCH_CONCURRENCY. Prints `bullmq-worker ready`.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'bullmq';

const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const connection = { host: redis.hostname, port: Number(redis.port || 6379) };
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);

/** @param {{ question: string, n_iters?: number }} request */
function solve(request) {
  const started = performance.now();
  const ref = createHash('sha256').update(request.question).digest('hex').slice(0, 8);
  const output = `[bench] draft r1 ref ${ref}: an answer to "${request.question}"`;
  const review = createHash('sha256').update(output).digest('hex');
  return {
    output,
    iterations: 1,
    total_tokens: Math.ceil((request.question.length + output.length) / 4),
    processing_time: (performance.now() - started) / 1000,
    converged: false,
    stop_reason: 'max_iters',
    metadata: { review: review.slice(0, 8) },
  };
}

const worker = new Worker(process.env.BENCH_QUEUE ?? 'bench', async (job) => solve(job.data), { connection, concurrency });
worker.on('error', (error) => process.stderr.write(`bullmq worker error: ${error.message}\n`));
await worker.waitUntilReady();
process.stdout.write(`bullmq-worker ready (concurrency ${concurrency})\n`);

process.once('SIGTERM', () => {
  void worker.close().finally(() => process.exit(0));
});
