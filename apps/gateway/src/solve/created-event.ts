import { randomUUID } from 'node:crypto';
import {
  makeEvent,
  SolveMode,
  type ContinuationSeed,
  type JobCreated,
  type JobCreatedData,
  type JobView,
  type ProviderName,
  type SolveBasicRequest,
} from '@crux/contracts';
import { actorOf, type Principal } from '../auth/principal.js';

/** Fields that steer the HTTP exchange, not the job; they are not part of the job's request. */
const TRANSPORT_FIELDS = new Set(['async_mode']);

/**
 * The `job.created` event for a validated solve request: the caller owns the job and is its
 * actor; the request is kept as sent (defaults are the worker's business), minus transport
 * fields; the provider is the request's or the deployment's default.
 */
export function createdEvent(
  mode: SolveMode,
  request: SolveBasicRequest,
  principal: Principal,
  defaultProvider: ProviderName,
  jobId: string = randomUUID(),
  now: Date = new Date(),
): JobCreated {
  const sent: Record<string, unknown> = {};
  // Keys, not entries: no pair arrays to allocate on the submit path.
  for (const key of Object.keys(request)) {
    const value = (request as unknown as Record<string, unknown>)[key];
    // Declared DTO fields the client left out are own properties holding undefined.
    if (value !== undefined && !TRANSPORT_FIELDS.has(key)) sent[key] = value;
  }
  const data: JobCreatedData = {
    mode,
    owner: principal.name,
    request: sent,
    model_name: request.model_name ?? null,
    llm_provider: request.llm_provider ?? defaultProvider,
    continued_from: null,
  };
  return makeEvent('created', jobId, actorOf(principal), data, {}, now);
}

/**
 * The `job.created` event of a continued job: a new basic job that keeps its origin's
 * request (question, context, model, provider) with `n_iters` = the rounds to add, belongs
 * to the origin's owner (an operator continuing someone's job acts for them, and is the
 * event's actor), and carries the seed, so the event log alone says where it starts.
 */
export function continuedEvent(
  origin: JobView,
  seed: ContinuationSeed,
  additionalIterations: number,
  principal: Principal,
  defaultProvider: ProviderName,
  jobId: string = randomUUID(),
  now: Date = new Date(),
): JobCreated {
  const provider = origin.request.llm_provider;
  const data: JobCreatedData = {
    mode: SolveMode.Basic,
    owner: origin.owner,
    request: { ...origin.request, n_iters: additionalIterations },
    model_name: origin.model_name,
    llm_provider: typeof provider === 'string' ? provider : defaultProvider,
    continued_from: origin.job_id,
    continuation: seed,
  };
  return makeEvent('created', jobId, actorOf(principal), data, {}, now);
}
