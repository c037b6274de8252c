import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkerPool } from '../src/pool/worker-pool.js';
import { basicSpec } from './pool-helpers.js';
import { FakeOpenAIServer } from './support/fake-openai-server.js';

const KEY = 'sk-pool-Hh72kLq0ZxWv19';

/**
 * The openai provider in real pool children: the settings travel as environment variables
 * and each child reads them with loadSettings, as in production. The values differ from the
 * defaults (2 attempts, 150 ms), so a child that did not get them would behave visibly
 * differently.
 */
describe('openai jobs in the worker pool', () => {
  let server: FakeOpenAIServer;
  let pool: WorkerPool;

  beforeAll(async () => {
    server = await FakeOpenAIServer.start();
    pool = new WorkerPool({
      size: 1,
      env: {
        ...process.env,
        CRUX_PROVIDER: 'openai',
        OPENAI_BASE_URL: server.baseUrl,
        OPENAI_API_KEY: KEY,
        CRUX_MODEL: 'pool-model',
        CRUX_OPENAI_READ_TIMEOUT_MS: '150',
        CRUX_OPENAI_MAX_RETRIES: '1',
        CRUX_OPENAI_RETRY_BASE_MS: '5',
        CRUX_OPENAI_RETRY_MAX_MS: '20',
      },
    });
    await pool.start();
  });

  afterEach(() => {
    server.requests.splice(0);
    server.usageSent.splice(0);
  });

  afterAll(async () => {
    await pool?.close(500);
    await server?.close();
  });

  it('completes an enhanced job through the provider with the settings the child read', async () => {
    const spec = basicSpec('enhanced-openai', 1, {
      mode: 'enhanced',
      request: {
        question: 'Why is the sky blue?',
        num_specialists: 2,
        specialist_max_iters: 1,
        professor_max_iters: 1,
        reasoning_effort: 'low',
        temperature: 0.2,
      },
    });
    const job = await pool.run(spec);
    const outcome = await job.outcome;
    if (outcome.kind !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(outcome)}`);

    expect(server.requests).toHaveLength(1 + 2 * 2 + 2);
    for (const request of server.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(request.body).toMatchObject({ model: 'pool-model', reasoning_effort: 'low' });
    }
    expect(outcome.result.total_tokens).toBe(server.usageSent.reduce((n, u) => n + u.total_tokens, 0));
    expect(outcome.result.metadata).toMatchObject({
      mode: 'enhanced',
      provider: 'openai',
      simulated: false,
      provider_report: { calls: 7, retries: 0 },
    });
  });

  it('fails a job as provider_error when the server hangs: CRUX_OPENAI_MAX_RETRIES and the read timeout reached the child', async () => {
    server.script({ hang: true }, { hang: true });
    const job = await pool.run(basicSpec('hung-openai', 1));
    const outcome = await job.outcome;
    expect(server.requests).toHaveLength(2);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'provider_error' });
    expect((outcome as { error: string }).error).toMatch(
      /^openai provider: model 'pool-model' at 127\.0\.0\.1:\d+ timed out: no complete answer within 150 ms .* after 2 attempts$/,
    );
  });

  it('fails a 401 job as provider_error at once, with an error that never contains the key', async () => {
    server.script({ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}` } } });
    const job = await pool.run(basicSpec('unauthorised-openai', 1));
    const outcome = await job.outcome;
    expect(server.requests).toHaveLength(1);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'provider_error' });
    const error = (outcome as { error: string }).error;
    expect(error).toMatch(/answered 401 Unauthorized after 1 attempt: Incorrect API key provided: \[redacted\]$/);
    expect(JSON.stringify(outcome)).not.toContain(KEY);
  });
});
