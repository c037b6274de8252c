import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PROVIDERS, RequestLimits, type ProviderName } from './solve-constants.js';

export * from './solve-constants.js';

/** POST /api/v1/solve/basic */
export class SolveBasicRequest {
  @IsString({ message: 'question must be a string' })
  @MinLength(1, { message: 'question must not be empty' })
  @MaxLength(RequestLimits.questionMaxChars, {
    message: `question must be at most ${RequestLimits.questionMaxChars} characters`,
  })
  question!: string;

  @IsOptional()
  @IsString()
  @MaxLength(RequestLimits.contextMaxChars, {
    message: `context must be at most ${RequestLimits.contextMaxChars} characters`,
  })
  context?: string;

  @IsOptional()
  @IsInt({ message: 'n_iters must be a whole number' })
  @Min(1)
  @Max(RequestLimits.maxIters)
  n_iters?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  model_name?: string;

  @IsOptional()
  @IsIn(PROVIDERS, { message: `llm_provider must be one of: ${PROVIDERS.join(', ')}` })
  llm_provider?: ProviderName;

  @IsOptional()
  @IsBoolean({ message: 'async_mode must be true or false' })
  async_mode?: boolean;

  /** Ask for an earlier soft stop than CRUX_SOFT_TIME_LIMIT_S (never a later one). */
  @IsOptional()
  @IsNumber({}, { message: 'soft_time_limit_s must be a number of seconds' })
  @IsPositive({ message: 'soft_time_limit_s must be above 0' })
  @Max(RequestLimits.maxTimeLimitS, { message: `soft_time_limit_s must not be greater than ${RequestLimits.maxTimeLimitS}` })
  soft_time_limit_s?: number;

  /** Ask for an earlier kill than CRUX_HARD_TIME_LIMIT_S (never a later one). */
  @IsOptional()
  @IsNumber({}, { message: 'time_limit_s must be a number of seconds' })
  @IsPositive({ message: 'time_limit_s must be above 0' })
  @Max(RequestLimits.maxTimeLimitS, { message: `time_limit_s must not be greater than ${RequestLimits.maxTimeLimitS}` })
  time_limit_s?: number;
}

/** POST /api/v1/solve/enhanced: a professor plans specialists, each self-evolves, the professor synthesises. */
export class SolveEnhancedRequest extends SolveBasicRequest {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(RequestLimits.maxSpecialists)
  num_specialists?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(RequestLimits.maxIters)
  specialist_max_iters?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(RequestLimits.maxIters)
  professor_max_iters?: number;

  @IsOptional()
  @IsBoolean()
  nested_self_evolve?: boolean;

  @IsOptional()
  @IsIn(['low', 'medium', 'high'])
  reasoning_effort?: 'low' | 'medium' | 'high';
}

/** Path parameter of every /jobs/{id} route: job ids are UUIDs. */
export class JobIdParam {
  @IsUUID('all', { message: 'job id must be a UUID' })
  id!: string;
}
