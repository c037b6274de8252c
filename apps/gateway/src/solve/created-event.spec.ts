import { describe, expect, it } from '@jest/globals';
import { SolveBasicRequest } from '@crux/contracts';
import { continuedEvent, createdEvent } from './created-event.js';

const request = (fields: Partial<SolveBasicRequest>) => Object.assign(new SolveBasicRequest(), fields);

describe('createdEvent', () => {
  it('makes the caller owner and actor, and keeps the request as sent minus async_mode', () => {
    const now = new Date('2026-03-04T05:06:07.000Z');
    const event = createdEvent(
      'basic',
      request({ question: 'q', n_iters: 2, async_mode: false }),
      { name: 'alice', role: 'submitter' },
      'simulated',
      'job-1',
      now,
    );
    expect(event).toEqual({
      id: expect.any(String),
      type: 'created',
      job_id: 'job-1',
      occurred_at: '2026-03-04T05:06:07.000Z',
      actor: { kind: 'user', id: 'alice' },
      correlation_id: 'job-1',
      causation_id: null,
      data: {
        mode: 'basic',
        owner: 'alice',
        request: { question: 'q', n_iters: 2 },
        model_name: null,
        llm_provider: 'simulated',
        continued_from: null,
      },
    });
    expect(event.id).not.toBe('job-1');
  });

  it("uses the request's provider and model over the default", () => {
    const event = createdEvent(
      'enhanced',
      request({ question: 'q', llm_provider: 'openai', model_name: 'm' }),
      { name: 'ops', role: 'operator' },
      'simulated',
    );
    expect(event.data).toMatchObject({ mode: 'enhanced', llm_provider: 'openai', model_name: 'm', owner: 'ops' });
  });

  it('gives each job a fresh id and event id', () => {
    const a = createdEvent('basic', request({ question: 'q' }), { name: 'a', role: 'submitter' }, 'simulated');
    const b = createdEvent('basic', request({ question: 'q' }), { name: 'a', role: 'submitter' }, 'simulated');
    expect(a.job_id).not.toBe(b.job_id);
    expect(a.id).not.toBe(b.id);
  });

  it('continues a job as a new basic job with its request, n_iters = the rounds to add, its owner and the seed', () => {
    const seed = {
      iterations: [{ iteration: 1, candidate: 'c', score: 0.5, feedback: 'f', stop: false }],
      best: { output: 'c', score: 0.5, iteration: 1 },
    };
    const origin = {
      job_id: 'origin-1',
      owner: 'alice',
      model_name: 'm',
      mode: 'basic',
      request: { question: 'q', context: 'ctx', n_iters: 1, llm_provider: 'simulated' },
    } as never;
    const event = continuedEvent(origin, seed, 2, { name: 'ops', role: 'operator' }, 'openai', 'job-2');
    expect(event).toMatchObject({ type: 'created', job_id: 'job-2', actor: { kind: 'user', id: 'ops' } });
    expect(event.data).toEqual({
      mode: 'basic',
      owner: 'alice',
      request: { question: 'q', context: 'ctx', n_iters: 2, llm_provider: 'simulated' },
      model_name: 'm',
      llm_provider: 'simulated',
      continued_from: 'origin-1',
      continuation: seed,
    });
  });
});
