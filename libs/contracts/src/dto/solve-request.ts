import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsPositive,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';
import { PROVIDERS, RequestLimits, type ProviderName } from './solve-constants.js';

export * from './solve-constants.js';

/**
 * A field that may be left out, but not sent as null: class-validator's IsOptional lets null
 * through as if the field were absent (so `n_iters: null` became the default); here null fails
 * the field's type check like any other wrong value.
 */
const Optional = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Something to answer: not empty, and not only whitespace. */
const HasText = () =>
  ValidateBy(
    { name: 'hasText', validator: { validate: (value: unknown) => typeof value === 'string' && value.trim() !== '' } },
    {
      message: ({ value }: ValidationArguments) =>
        value === '' ? 'question must not be empty' : 'question must not be blank: it holds only whitespace',
    },
  );

/** The soft limit stops a job with its best answer; above the hard limit the kill always comes first. */
const NotAboveTimeLimit = () =>
  ValidateBy(
    {
      name: 'notAboveTimeLimit',
      validator: {
        validate: (value: unknown, { object }: ValidationArguments) => {
          const hard = (object as { time_limit_s?: unknown }).time_limit_s;
          return typeof value !== 'number' || typeof hard !== 'number' || value <= hard;
        },
      },
    },
    {
      message: ({ value, object }: ValidationArguments) =>
        `soft_time_limit_s (${value}) must not be above time_limit_s (${(object as { time_limit_s?: unknown }).time_limit_s}): ` +
        'the soft limit is meant to stop the job with its best answer before the hard limit kills it',
    },
  );

/** POST /api/v1/solve/basic */
export class SolveBasicRequest {
  @IsString({ message: 'question must be a string' })
  @HasText()
  @MaxLength(RequestLimits.questionMaxChars, {
    message: `question must be at most ${RequestLimits.questionMaxChars} characters`,
  })
  question!: string;

  @Optional()
  @IsString()
  @MaxLength(RequestLimits.contextMaxChars, {
    message: `context must be at most ${RequestLimits.contextMaxChars} characters`,
  })
  context?: string;

  @Optional()
  @IsInt({ message: 'n_iters must be a whole number' })
  @Min(1)
  @Max(RequestLimits.maxIters)
  n_iters?: number;

  @Optional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number;

  @Optional()
  @IsString()
  @MaxLength(200)
  model_name?: string;

  @Optional()
  @IsIn(PROVIDERS, { message: `llm_provider must be one of: ${PROVIDERS.join(', ')}` })
  llm_provider?: ProviderName;

  @Optional()
  @IsBoolean({ message: 'async_mode must be true or false' })
  async_mode?: boolean;

  /** Ask for an earlier soft stop than CRUX_SOFT_TIME_LIMIT_S (never a later one). */
  @Optional()
  @IsNumber({}, { message: 'soft_time_limit_s must be a number of seconds' })
  @IsPositive({ message: 'soft_time_limit_s must be above 0' })
  @Max(RequestLimits.maxTimeLimitS, { message: `soft_time_limit_s must not be greater than ${RequestLimits.maxTimeLimitS}` })
  @NotAboveTimeLimit()
  soft_time_limit_s?: number;

  /** Ask for an earlier kill than CRUX_HARD_TIME_LIMIT_S (never a later one). */
  @Optional()
  @IsNumber({}, { message: 'time_limit_s must be a number of seconds' })
  @IsPositive({ message: 'time_limit_s must be above 0' })
  @Max(RequestLimits.maxTimeLimitS, { message: `time_limit_s must not be greater than ${RequestLimits.maxTimeLimitS}` })
  time_limit_s?: number;
}

/** POST /api/v1/solve/enhanced: a professor plans specialists, each self-evolves, the professor synthesises. */
export class SolveEnhancedRequest extends SolveBasicRequest {
  @Optional()
  @IsInt()
  @Min(1)
  @Max(RequestLimits.maxSpecialists)
  num_specialists?: number;

  @Optional()
  @IsInt()
  @Min(1)
  @Max(RequestLimits.maxIters)
  specialist_max_iters?: number;

  @Optional()
  @IsInt()
  @Min(1)
  @Max(RequestLimits.maxIters)
  professor_max_iters?: number;

  @Optional()
  @IsBoolean()
  nested_self_evolve?: boolean;

  @Optional()
  @IsIn(['low', 'medium', 'high'])
  reasoning_effort?: 'low' | 'medium' | 'high';
}

/** Path parameter of every /jobs/{id} route: job ids are UUIDs. */
export class JobIdParam {
  @IsUUID('all', { message: 'job id must be a UUID' })
  id!: string;
}
