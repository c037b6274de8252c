/**
 * POST /api/v1/solve/continue/{id}?additional_iterations=N against a stand-in job-state:
 * the 202 and the `job.created` it records (with the origin's seed), and every refusal
 * with the message a person reads. A refused call publishes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobCreated, JobView, Reply, SolveResult } from '@crux/contracts';
import { errorBody, startTestGateway, startTestNats, UUID, type Gateway, type TestNats } from './support/gateway-fixture.js';
import { gone, jobView, notFound, StateResponder } from './support/state-responder.js';

const UNCONVERGED = '11111111-1111-4111-8111-111111111111';
const RUNNING = '22222222-2222-4222-8222-222222222222';
const CONVERGED = '33333333-3333-4333-8333-333333333333';
const ENHANCED = '44444444-4444-4444-8444-444444444444';
const DELETED = '55555555-5555-4555-8555-555555555555';
const UNKNOWN = '66666666-6666-4666-8666-666666666666';

const history = [
  { iteration: 1, candidate: 'a first answer', score: 0.55, feedback: 'expand the edge cases', stop: false },
  { iteration: 2, candidate: 'a second answer', score: 0.6, feedback: 'tighten the reasoning', stop: false },
];
const result = (over: Partial<SolveResult> = {}): SolveResult => ({
  output: 'a second answer',
  iterations: 2,
  total_tokens: 100,
  processing_time: 0.8,
  converged: false,
  stop_reason: 'max_iters',
  metadata: { mode: 'basic', best_iteration: 2, best_score: 0.6, history },
  ...over,
});

const jobs = new Map<string, JobView>([
  [
    UNCONVERGED,
    jobView({
      job_id: UNCONVERGED,
      status: 'completed',
      result: result(),
      request: { question: 'Explain quicksort.', n_iters: 2 },
      model_name: 'm1',
    }),
  ],
  [RUNNING, jobView({ job_id: RUNNING, status: 'running' })],
  [CONVERGED, jobView({ job_id: CONVERGED, status: 'completed', result: result({ converged: true, stop_reason: 'evaluator_stop' }) })],
  [ENHANCED, jobView({ job_id: ENHANCED, status: 'completed', mode: 'enhanced', result: result() })],
]);

function answerGet({ job_id, owner }: { job_id: string; owner?: string }): Reply<JobView> {
  if (job_id === DELETED) return gone(DELETED, 'ttl', 'job-state');
  const job = jobs.get(job_id);
  return job && (owner === undefined || owner === job.owner) ? { ok: true, value: job } : notFound(job_id);
}

describe('continuing a job', () => {
  let nats: TestNats;
  let gateway: Gateway;
  let state: StateResponder;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
    state = await StateResponder.start(nats.server.url, answerGet);
  });

  afterAll(async () => {
    await state?.stop();
    await gateway?.close();
    await nats?.close();
  });

  const continueJob = (id: string, query = '?additional_iterations=2', key: 'alice' | 'bob' | 'ops' = 'alice') =>
    gateway.request(`/api/v1/solve/continue/${id}${query}`, { key, method: 'POST' });

  /** The refusal's body once it is sure nothing was recorded. */
  async function refused(id: string, query: string | undefined, status: number, key: 'alice' | 'bob' | 'ops' = 'alice') {
    const before = await nats.messageCount();
    const answer = await continueJob(id, query, key);
    expect(answer.status).toBe(status);
    expect(await nats.messageCount()).toBe(before);
    return errorBody(answer);
  }

  it('accepts an unconverged completed basic job: 202 naming the new job and its origin, and records it with the seed', async () => {
    const answer = await continueJob(UNCONVERGED);
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({
      job_id: expect.stringMatching(UUID),
      status: 'pending',
      created_at: expect.any(String),
      message: expect.stringContaining(`job ${UNCONVERGED} continues as job ${answer.json.job_id} with 2 more iteration(s)`),
      continued_from: UNCONVERGED,
    });
    expect(answer.headers.get('location')).toBe(`/api/v1/jobs/${answer.json.job_id}`);
    expect(state.gets.at(-1)).toEqual({ job_id: UNCONVERGED, owner: 'alice' });

    const [stored] = await nats.jobEvents(answer.json.job_id);
    const created = stored.event as JobCreated;
    expect(stored.subject).toBe(`job.created.${answer.json.job_id}`);
    expect(created.actor).toEqual({ kind: 'user', id: 'alice' });
    expect(created.data).toEqual({
      mode: 'basic',
      owner: 'alice',
      request: { question: 'Explain quicksort.', n_iters: 2 },
      model_name: 'm1',
      llm_provider: 'simulated',
      continued_from: UNCONVERGED,
      continuation: { iterations: history, best: { output: 'a second answer', score: 0.6, iteration: 2 } },
    });
  });

  it("lets an operator continue a submitter's job, which stays the submitter's", async () => {
    const answer = await continueJob(UNCONVERGED, '?additional_iterations=1', 'ops');
    expect(answer.status).toBe(202);
    expect(state.gets.at(-1)).toEqual({ job_id: UNCONVERGED });
    const [{ event }] = await nats.jobEvents(answer.json.job_id);
    expect(event.actor).toEqual({ kind: 'user', id: 'ops' });
    expect(event.data).toMatchObject({ owner: 'alice', continued_from: UNCONVERGED, request: { n_iters: 1 } });
  });

  it('refuses a job id that is not a UUID with 400', async () => {
    const body = await refused('not-a-job', '?additional_iterations=2', 400);
    expect(body.message).toMatch(/job id must be a UUID/);
  });

  it.each([
    ['', 'additional_iterations is required: how many more rounds to run, as a query parameter (?additional_iterations=N, 1 to 50)'],
    ['?additional_iterations=0', "additional_iterations must be a whole number from 1 to 50, got '0'"],
    ['?additional_iterations=51', "additional_iterations must be a whole number from 1 to 50, got '51'"],
    ['?additional_iterations=two', "additional_iterations must be a whole number from 1 to 50, got 'two'"],
    ['?additional_iterations=1.5', "additional_iterations must be a whole number from 1 to 50, got '1.5'"],
    ['?additional_iterations=2&iters=3', 'unknown query parameter iters (allowed: additional_iterations)'],
  ])('refuses %j with 400 and asks job-state nothing', async (query, message) => {
    const asked = state.gets.length;
    const body = await refused(UNCONVERGED, query, 400);
    expect(body.message).toBe(message);
    expect(state.gets.length).toBe(asked);
  });

  it('answers 404 for an unknown job, and exactly the same for another submitter’s', async () => {
    const unknown = await refused(UNKNOWN, undefined, 404, 'bob');
    expect(unknown.message).toBe(`job ${UNKNOWN} not found`);
    const other = await refused(UNCONVERGED, undefined, 404, 'bob');
    expect(other.message).toBe(`job ${UNCONVERGED} not found`);
    expect(state.gets.at(-1)).toEqual({ job_id: UNCONVERGED, owner: 'bob' });
  });

  it('answers 410 for a deleted job, as GET does', async () => {
    const body = await refused(DELETED, undefined, 410);
    expect(body.message).toMatch(new RegExp(`job ${DELETED} was deleted \\(ttl\\)`));
  });

  it.each([
    [RUNNING, `job ${RUNNING} cannot be continued: it is running; only a completed job can be continued`],
    [
      CONVERGED,
      `job ${CONVERGED} cannot be continued: it converged (stop_reason evaluator_stop): the evaluator found nothing more to improve`,
    ],
    [ENHANCED, `job ${ENHANCED} cannot be continued: it is an enhanced job; only basic jobs can be continued`],
  ])('answers 409 naming why job %s cannot be continued', async (id, message) => {
    const body = await refused(id, undefined, 409);
    expect(body.message).toBe(message);
  });
});
