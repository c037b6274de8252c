import { afterEach, describe, expect, it } from '@jest/globals';
import { loadSettings } from '@crux/contracts/core';
import { OpenAIProvider } from '../src/solving/openai-provider.js';
import { ProviderError } from '../src/solving/provider-error.js';
import { solveJob } from '../src/solving/solve-job.js';
import type { SolveSpec } from '../src/solving/solve-spec.js';
import { FakeOpenAIServer, type RecordedRequest } from './support/fake-openai-server.js';

const KEY = 'sk-test-Zq8xKf93LmNpQr77';
const MODEL = 'crux-test-model';

/** Real settings, read the way a pool child reads them, with timeouts and waits small enough for a test. */
function settingsFor(server: FakeOpenAIServer, env: Record<string, string> = {}) {
  return loadSettings({
    CRUX_PROVIDER: 'openai',
    OPENAI_BASE_URL: `${server.baseUrl}/`,
    OPENAI_API_KEY: KEY,
    CRUX_MODEL: MODEL,
    CRUX_OPENAI_CONNECT_TIMEOUT_MS: '2000',
    CRUX_OPENAI_READ_TIMEOUT_MS: '200',
    CRUX_OPENAI_MAX_RETRIES: '2',
    CRUX_OPENAI_RETRY_BASE_MS: '5',
    CRUX_OPENAI_RETRY_MAX_MS: '20',
    ...env,
  });
}

const basic = (request: Record<string, unknown>, over: Partial<SolveSpec> = {}): SolveSpec => ({
  job_id: 'j-openai',
  mode: 'basic',
  request: { question: 'Why is the sky blue?', n_iters: 1, ...request },
  llm_provider: null,
  model_name: null,
  ...over,
});

const sum = (usages: Array<{ total_tokens: number }>) => usages.reduce((n, u) => n + u.total_tokens, 0);
const isReview = (r: RecordedRequest) => r.body.messages?.[0]?.content.includes('strict reviewer') ?? false;

async function failureOf(run: Promise<unknown>): Promise<ProviderError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('the openai provider against a real chat-completions server', () => {
  const servers: FakeOpenAIServer[] = [];
  const start = async (...args: Parameters<typeof FakeOpenAIServer.start>) => {
    const server = await FakeOpenAIServer.start(...args);
    servers.push(server);
    return server;
  };

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('completes a basic job: model, messages, bearer token and temperature sent, tokens summed from the usage', async () => {
    const server = await start({
      // A reviewer that wants one more round, so both a generate and a refine go out.
      answer: (body) =>
        body.messages?.[0]?.content.includes('strict reviewer') ? 'SCORE: 0.4\nSTOP: no\nFEEDBACK: add numbers' : 'Rayleigh scattering.',
    });
    const result = await solveJob(basic({ n_iters: 2, temperature: 0.4 }), settingsFor(server));

    expect(result).toMatchObject({ output: 'Rayleigh scattering.', iterations: 2, stop_reason: 'max_iters' });
    expect(server.requests).toHaveLength(4);
    for (const request of server.requests) {
      expect(request).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
      expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(request.body.model).toBe(MODEL);
      expect(request.body.messages?.map((m) => m.role)).toEqual(['system', 'user']);
      expect(request.body).not.toHaveProperty('reasoning_effort');
    }
    expect(server.requests[0].body.messages?.[1].content).toContain('Why is the sky blue?');
    expect(server.requests.map((r) => r.body.temperature)).toEqual([0.4, 0, 0.4, 0]);
    expect(server.requests[2].body.messages?.[1].content).toContain('add numbers');

    expect(result.total_tokens).toBe(sum(server.usageSent));
    expect(server.usageSent).toHaveLength(4);
    expect(result.metadata).toMatchObject({
      provider: 'openai',
      simulated: false,
      model: MODEL,
      provider_report: { host: new URL(server.baseUrl).host, calls: 4, http_attempts: 4, retries: 0, calls_without_usage: 0 },
    });
  });

  it("uses the job's model_name over CRUX_MODEL, and sends no Authorization header without OPENAI_API_KEY", async () => {
    const server = await start();
    const settings = { ...settingsFor(server), openaiApiKey: null };
    await solveJob(basic({}, { model_name: 'job-model' }), settings);
    expect(server.requests.map((r) => r.body.model)).toEqual(['job-model', 'job-model']);
    expect(server.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('completes an enhanced job, sending reasoning_effort and temperature on every call', async () => {
    const server = await start();
    const spec = basic(
      { num_specialists: 2, specialist_max_iters: 2, professor_max_iters: 1, reasoning_effort: 'high', temperature: 0.7 },
      { mode: 'enhanced' },
    );
    const result = await solveJob(spec, settingsFor(server));

    // plan, then per specialist a draft and a review (the reviewer is satisfied at once), then synthesis and its review.
    expect(server.requests).toHaveLength(1 + 2 * 2 + 2);
    expect(server.requests.every((r) => r.body.reasoning_effort === 'high' && r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(server.requests.filter((r) => !isReview(r)).every((r) => r.body.temperature === 0.7)).toBe(true);
    expect(result.total_tokens).toBe(sum(server.usageSent));
    expect(result.metadata).toMatchObject({
      mode: 'enhanced',
      provider: 'openai',
      plan: [{ name: 'Physicist' }, { name: 'Meteorologist' }],
      options: { reasoning_effort: 'high', nested_self_evolve: true },
    });
    expect((result.metadata.specialists as unknown[]).length).toBe(2);
  });

  it('counts a call whose answer has no usage as 0 tokens and says so in the metadata', async () => {
    const server = await start({
      usage: (_body, index) => (index === 0 ? { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } : null),
    });
    const result = await solveJob(basic({}), settingsFor(server));
    expect(result.total_tokens).toBe(7);
    expect(result.metadata.provider_report).toMatchObject({
      calls_without_usage: 1,
      usage_note: 'the server reported no token usage for 1 of 2 calls; they count 0 in total_tokens',
    });
  });

  it('waits as a 429 Retry-After asks, capped by CRUX_OPENAI_RETRY_MAX_MS, then completes', async () => {
    const server = await start();
    server.script({ status: 429, body: { error: { message: 'rate limited' } }, headers: { 'retry-after': '1' } });
    const result = await solveJob(basic({}), settingsFor(server));
    // The first call took two requests, the review one.
    expect(server.requests).toHaveLength(3);
    expect(result.metadata.provider_report).toMatchObject({ calls: 2, http_attempts: 3, retries: 1 });
    expect(result.total_tokens).toBe(sum(server.usageSent));
  });

  it('sleeps exactly what Retry-After says, in seconds or as an HTTP date (injected sleep: nothing is waited out)', async () => {
    const server = await start();
    const now = Date.parse('2030-01-01T00:00:00Z');
    server.script(
      { status: 429, body: 'slow down', headers: { 'retry-after': '3' } },
      { status: 503, body: 'busy', headers: { 'retry-after': 'Tue, 01 Jan 2030 00:00:07 GMT' } },
      { status: 503, body: 'busy', headers: { 'retry-after': '86400' } },
    );
    const sleeps: number[] = [];
    const provider = new OpenAIProvider({
      baseUrl: server.baseUrl,
      apiKey: KEY,
      timeouts: { connectMs: 2000, readMs: 2000 },
      retry: { maxRetries: 4, baseMs: 500, maxMs: 30_000 },
      sleep: async (ms) => void sleeps.push(ms),
      now: () => now,
    });
    const completion = await provider.complete([{ role: 'user', content: 'hi' }], { purpose: 'generate', model: MODEL });
    expect(completion.text).toContain('Rayleigh');
    expect(server.requests).toHaveLength(4);
    expect(sleeps).toEqual([3000, 7000, 30_000]);
  });

  it('retries a 500 and completes', async () => {
    const server = await start();
    server.script({ status: 500, body: { error: { message: 'internal' } } });
    const result = await solveJob(basic({}), settingsFor(server));
    expect(server.requests).toHaveLength(3);
    expect(result.metadata.provider_report).toMatchObject({ retries: 1 });
  });

  it('fails after exactly max_retries + 1 calls when the server keeps answering 500', async () => {
    const server = await start();
    server.script(...Array.from({ length: 10 }, () => ({ status: 500, body: { error: { message: 'the GPU caught fire' } } })));
    const error = await failureOf(solveJob(basic({}), settingsFor(server)));
    expect(server.requests).toHaveLength(3);
    expect(error.message).toBe(
      `openai provider: model '${MODEL}' at ${new URL(server.baseUrl).host} answered 500 Internal Server Error after 3 attempts: the GPU caught fire`,
    );
  });

  it('ends a call the server accepts and never answers at the read timeout, retries it, then fails with a timeout error', async () => {
    const server = await start();
    server.script(...Array.from({ length: 10 }, () => ({ hang: true as const })));
    const error = await failureOf(solveJob(basic({}), settingsFor(server)));
    expect(server.requests).toHaveLength(3);
    expect(error.message).toMatch(
      /^openai provider: model 'crux-test-model' at 127\.0\.0\.1:\d+ timed out: no complete answer within 200 ms \(CRUX_OPENAI_READ_TIMEOUT_MS\) after 3 attempts$/,
    );
  });

  it('retries a hang once and completes when the server answers the second time', async () => {
    const server = await start();
    server.script({ hang: true });
    await solveJob(basic({}), settingsFor(server));
    expect(server.requests).toHaveLength(3);
  });

  it('fails on a 200 whose body is not JSON after one retry, quoting the body', async () => {
    const server = await start();
    server.script(...Array.from({ length: 5 }, () => ({ status: 200, body: '<html>upstream hiccup</html>' })));
    const error = await failureOf(solveJob(basic({}), settingsFor(server)));
    expect(server.requests).toHaveLength(2);
    expect(error.message).toMatch(
      /answered 200 OK with a body that is not JSON, not a chat completion, after 2 attempts: <html>upstream hiccup<\/html>$/,
    );
  });

  it('retries a 200 without choices once and completes when the next answer is good', async () => {
    const server = await start();
    server.script({ status: 200, body: { object: 'chat.completion', choices: [] } });
    const result = await solveJob(basic({}), settingsFor(server));
    expect(server.requests).toHaveLength(3);
    expect(result.metadata.provider_report).toMatchObject({ retries: 1 });

    const again = await start();
    again.script(...Array.from({ length: 5 }, () => ({ status: 200, body: { choices: [] } })));
    const error = await failureOf(solveJob(basic({}), settingsFor(again)));
    expect(again.requests).toHaveLength(2);
    expect(error.message).toMatch(/answered 200 OK with no choices, not a chat completion, after 2 attempts/);
  });

  it('fails a 401 at once with status, provider, model and host, and never repeats the key the server echoed', async () => {
    const server = await start();
    server.script({
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${KEY}. Sent: Authorization: Bearer ${KEY}`, type: 'invalid_request_error' } },
      headers: { 'www-authenticate': `Bearer realm="${KEY}"` },
    });
    const error = await failureOf(solveJob(basic({}), settingsFor(server)));
    expect(server.requests).toHaveLength(1);
    expect(error.provider).toBe('openai');
    expect(error.message).toMatch(
      /^openai provider: model 'crux-test-model' at 127\.0\.0\.1:\d+ answered 401 Unauthorized after 1 attempt: Incorrect API key provided/,
    );
    for (const text of [error.message, String(error.stack), JSON.stringify(error)]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(KEY.slice(0, 12));
      expect(text).not.toContain(KEY.slice(-8));
    }
  });

  it('fails a 404 (unknown model) and a 400 at once', async () => {
    for (const status of [404, 400]) {
      const server = await start();
      server.script({ status, body: { error: `model "${MODEL}" not found, try pulling it first` } });
      const error = await failureOf(solveJob(basic({}), settingsFor(server)));
      expect(server.requests).toHaveLength(1);
      expect(error.message).toContain(`answered ${status} `);
      expect(error.message).toContain('not found, try pulling it first');
    }
  });

  it('retries a refused connection and then names the network error', async () => {
    const server = await start();
    const settings = settingsFor(server);
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    const error = await failureOf(solveJob(basic({}), settings));
    expect(error.message).toMatch(
      /^openai provider: model 'crux-test-model' at 127\.0\.0\.1:\d+ could not be reached after 3 attempts: ECONNREFUSED/,
    );
  });

  it('fails with a clear message when no model is configured or requested', async () => {
    const server = await start();
    const settings = { ...settingsFor(server), model: null };
    const error = await failureOf(solveJob(basic({}), settings));
    expect(error.message).toMatch(/no model to ask; set CRUX_MODEL on the worker or send model_name with the job/);
    expect(server.requests).toHaveLength(0);
  });
});
