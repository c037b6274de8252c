import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@crux/test-harness';
import { ApiError, UnreachableError } from '../src/errors.js';
import { ExitCode } from '../src/exit-codes.js';
import { CruxClient } from '../src/http/client.js';
import { FakeGateway } from './support/fake-gateway.js';

describe('CruxClient against a real HTTP server', () => {
  const gateway = new FakeGateway();
  let client: CruxClient;

  beforeAll(async () => {
    await gateway.start();
    client = new CruxClient({ baseUrl: `${gateway.url}/`, apiKey: 'sub-key', timeoutMs: 10_000 });
  });
  afterAll(() => gateway.close());

  it('submits JSON with the Bearer key and reads the 202 answer', async () => {
    const answer = (await client.submit('enhanced', { question: 'Why?', num_specialists: 2, async_mode: true })) as Record<string, unknown>;
    expect(answer).toMatchObject({ status: 'pending', message: 'job accepted' });
    const request = gateway.requests.at(-1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/v1/solve/enhanced');
    expect(request?.headers.authorization).toBe('Bearer sub-key');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({ question: 'Why?', num_specialists: 2, async_mode: true });
    expect(gateway.jobs.get(answer.job_id as string)?.mode).toBe('enhanced');
  });

  it('gets a job, escaping the id in the path', async () => {
    const job = gateway.addJob();
    expect(await client.getJob(job.job_id)).toEqual(job);
    await expect(client.getJob('a/b?c')).rejects.toThrow('400 Bad Request — job id must be a UUID');
    expect(gateway.requests.at(-1)?.path).toBe('/api/v1/jobs/a%2Fb%3Fc');
  });

  it('lists with status, limit and cursor as query parameters', async () => {
    const page = await client.listJobs({ status: 'pending', limit: 1 });
    expect(page.jobs).toHaveLength(1);
    expect(page.next_cursor).toEqual(expect.any(String));
    const query = gateway.requests.at(-1)?.query;
    expect(query?.get('status')).toBe('pending');
    expect(query?.get('limit')).toBe('1');
    expect(query?.has('cursor')).toBe(false);
    await client.listJobs({ cursor: page.next_cursor as string });
    expect(gateway.requests.at(-1)?.query.get('cursor')).toBe(page.next_cursor);
  });

  it('turns error bodies into ApiErrors with the right exit code', async () => {
    const anonymous = new CruxClient({ baseUrl: gateway.url, unauthorisedHint: 'set CRUX_API_KEY' });
    const error = await anonymous.getJob('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('401 Unauthorized — missing or unknown API key (set CRUX_API_KEY)');
    expect((error as ApiError).exitCode).toBe(ExitCode.NotAuthorised);
    expect(gateway.requests.at(-1)?.headers.authorization).toBeUndefined();

    const job = gateway.addJob();
    gateway.deleted.set(job.job_id, { deleted_at: '2025-06-01T00:00:00Z', reason: 'purge' });
    await expect(client.getJob(job.job_id)).rejects.toMatchObject({ status: 410, exitCode: ExitCode.NotFound });
  });

  it('says the gateway is not running when nothing listens', async () => {
    const port = await freePort();
    const nowhere = new CruxClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k' });
    const error = await nowhere.getJob('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toBe(`cannot reach the gateway at http://127.0.0.1:${port} — is it running? (npm start)`);
  });

  it('keeps a path prefix in CRUX_URL', () => {
    expect(new CruxClient({ baseUrl: 'http://host/crux/' }).url('/jobs', { limit: 5, cursor: undefined }).href).toBe(
      'http://host/crux/api/v1/jobs?limit=5',
    );
  });
});
