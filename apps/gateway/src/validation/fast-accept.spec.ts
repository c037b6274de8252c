import { describe, expect, it } from '@jest/globals';
import { IsString, MaxLength, ValidateNested } from 'class-validator';
import {
  JobIdParam,
  PlanIdParam,
  PurgeConfirmBody,
  PurgePlanBody,
  ReasonBody,
  RequestLimits,
  SolveBasicRequest,
  SolveEnhancedRequest,
} from '@crux/contracts';
import { validateSync } from 'class-validator';
import { acceptorFor } from './fast-accept.js';
import { dtoFields } from './validate-dto.js';

type DtoClass = new () => object;

/** validateDto's options: the acceptor must agree with class-validator under exactly these. */
const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: true } };

function instanceOf(cls: DtoClass, body: Record<string, unknown>): Record<string, unknown> {
  const instance = new cls() as Record<string, unknown>;
  for (const key of Object.keys(body)) instance[key] = body[key];
  return instance;
}

const UUID = '0b7c2a8e-6f0e-4a1b-9c3d-2e5f6a7b8c9d';

/** Values every field is tried with: each type, the edges of each limit, null and absent. */
const VALUES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  1,
  -1,
  0.5,
  1.5,
  2,
  2.5,
  8,
  9,
  50,
  51,
  3600,
  RequestLimits.maxTimeLimitS,
  RequestLimits.maxTimeLimitS + 1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  '   ',
  'q',
  '3',
  'true',
  'simulated',
  'openai',
  'bogus',
  'low',
  'high',
  UUID,
  UUID.toUpperCase(),
  'x'.repeat(200),
  'x'.repeat(201),
  'x'.repeat(RequestLimits.questionMaxChars),
  'x'.repeat(RequestLimits.questionMaxChars + 1),
  'x'.repeat(RequestLimits.contextMaxChars + 1),
  [],
  ['q'],
  {},
  { question: 'q' },
];

/** A valid body of each class, and the bodies derived from it: every field set to every value, unknown keys. */
function bodiesFrom(cls: DtoClass, valid: Record<string, unknown>): Array<Record<string, unknown>> {
  const bodies = [valid, {}, { ...valid, unknown_field: 1 }, { ...valid, __extra: undefined }];
  for (const field of dtoFields(cls)) {
    for (const value of VALUES) {
      bodies.push({ ...valid, [field]: value });
      bodies.push({ [field]: value });
    }
  }
  return bodies;
}

const CASES: Array<[string, DtoClass, Record<string, unknown>]> = [
  ['SolveBasicRequest', SolveBasicRequest, { question: 'What is 2+2?', n_iters: 1 }],
  [
    'SolveEnhancedRequest',
    SolveEnhancedRequest,
    {
      question: 'q',
      num_specialists: 3,
      specialist_max_iters: 2,
      professor_max_iters: 1,
      nested_self_evolve: true,
      reasoning_effort: 'low',
    },
  ],
  ['JobIdParam', JobIdParam, { id: UUID }],
  ['PlanIdParam', PlanIdParam, { plan_id: UUID }],
  ['ReasonBody', ReasonBody, { reason: 'why' }],
  ['PurgeConfirmBody', PurgeConfirmBody, { confirm_token: 'token' }],
];

describe('acceptorFor', () => {
  it.each(CASES)('accepts exactly what class-validator accepts: %s', (_name, cls, valid) => {
    const accept = acceptorFor(cls);
    const disagreements: string[] = [];
    let accepted = 0;
    for (const body of bodiesFrom(cls, valid)) {
      const instance = instanceOf(cls, body);
      const byClassValidator = validateSync(instanceOf(cls, body), OPTIONS).length === 0;
      const fast = accept(instance);
      if (fast) accepted++;
      if (fast !== byClassValidator)
        disagreements.push(`${JSON.stringify(body)?.slice(0, 120)}: fast ${fast}, class-validator ${byClassValidator}`);
    }
    expect(disagreements).toEqual([]);
    // The point of it: valid bodies take the fast path.
    expect(accepted).toBeGreaterThan(0);
    expect(accept(instanceOf(cls, valid))).toBe(true);
  });

  it('agrees on the soft and hard time limits, which are checked against each other', () => {
    const accept = acceptorFor(SolveBasicRequest);
    const limits = [undefined, null, 0, 1, 10, 60, 'x', RequestLimits.maxTimeLimitS];
    for (const soft of limits) {
      for (const hard of limits) {
        const body = { question: 'q', soft_time_limit_s: soft, time_limit_s: hard };
        const expected = validateSync(instanceOf(SolveBasicRequest, body), OPTIONS).length === 0;
        expect({ body, accepted: accept(instanceOf(SolveBasicRequest, body)) }).toEqual({ body, accepted: expected });
      }
    }
    expect(accept(instanceOf(SolveBasicRequest, { question: 'q', soft_time_limit_s: 10, time_limit_s: 60 }))).toBe(true);
    expect(accept(instanceOf(SolveBasicRequest, { question: 'q', soft_time_limit_s: 60, time_limit_s: 10 }))).toBe(false);
  });

  it('never accepts for a class whose checks it does not model (each, nested): class-validator judges those', () => {
    class Tags {
      @IsString({ each: true })
      @MaxLength(5, { each: true })
      tags!: string[];
    }
    class Outer {
      @ValidateNested()
      inner!: object;
    }
    expect(acceptorFor(Tags)(instanceOf(Tags, { tags: ['a'] }))).toBe(false);
    expect(validateSync(instanceOf(Tags, { tags: ['a'] }), OPTIONS)).toEqual([]);
    expect(acceptorFor(Outer)(instanceOf(Outer, { inner: {} }))).toBe(false);
    expect(acceptorFor(PurgePlanBody)(instanceOf(PurgePlanBody, {}))).toBe(false);
  });

  it('never accepts for a class without validation metadata (forbidUnknownValues)', () => {
    class Bare {}
    expect(acceptorFor(Bare)(instanceOf(Bare, {}))).toBe(false);
  });
});
