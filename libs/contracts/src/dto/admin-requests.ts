import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { JOB_STATUSES, type JobStatus } from '../job-status.js';

/** Limits on the deletion routes' input; a request over them gets a 400 that names the field. */
export const AdminLimits = {
  reasonMaxChars: 500,
  /** Ids one purge plan may name; in practice the body limit (CRUX_MAX_BODY_BYTES) bounds it first. */
  purgeJobIdsMax: 100_000,
  confirmTokenMaxChars: 200,
  /** 100 years: far beyond any retention, small enough to stay exact in milliseconds. */
  olderThanMaxS: 100 * 365 * 86_400,
} as const;

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Seconds in a duration: a whole number of seconds, or text such as "45s", "30m", "12h",
 * "7d", "2w". Null for anything else, a negative or fractional number included.
 */
export function parseDuration(value: unknown): number | null {
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string') {
    const match = /^(\d{1,12})([smhdw])$/.exec(value);
    if (!match) return null;
    seconds = Number(match[1]) * DURATION_UNITS[match[2]];
  } else {
    return null;
  }
  return Number.isSafeInteger(seconds) && seconds >= 0 && seconds <= AdminLimits.olderThanMaxS ? seconds : null;
}

const REASON_TOO_LONG = `reason must be at most ${AdminLimits.reasonMaxChars} characters`;

/** Optional body of DELETE /jobs/{id}, restore, hold and release: why. */
export class ReasonBody {
  @IsOptional()
  @IsString({ message: 'reason must be a string' })
  @MaxLength(AdminLimits.reasonMaxChars, { message: REASON_TOO_LONG })
  reason?: string;
}

/** POST /api/v1/admin/purges: at least one filter; all the filters given apply together. */
export class PurgePlanBody {
  @IsOptional()
  @IsArray({ message: 'job_ids must be a list of job ids' })
  @ArrayNotEmpty({ message: 'job_ids must not be empty; leave it out to filter by status or age only' })
  @ArrayMaxSize(AdminLimits.purgeJobIdsMax, { message: `job_ids must hold at most ${AdminLimits.purgeJobIdsMax} ids; split the purge` })
  @IsUUID('all', { each: true, message: 'job_ids must hold job ids (UUIDs)' })
  job_ids?: string[];

  @IsOptional()
  @IsArray({ message: 'status must be a list of statuses' })
  @ArrayNotEmpty({ message: 'status must not be empty; leave it out to purge every finished status' })
  @IsIn(JOB_STATUSES, { each: true, message: `status must hold only: ${JOB_STATUSES.join(', ')}` })
  status?: JobStatus[];

  @IsOptional()
  @ValidateBy(
    {
      name: 'isDuration',
      validator: { validate: (value: unknown) => parseDuration(value) !== null },
    },
    {
      message: `older_than must be a duration such as "30m", "12h", "7d" (units s, m, h, d, w) or a whole number of seconds, at most ${AdminLimits.olderThanMaxS}`,
    },
  )
  older_than?: string | number;

  @IsOptional()
  @IsBoolean({ message: 'erase must be true or false' })
  erase?: boolean;

  @IsOptional()
  @IsString({ message: 'reason must be a string' })
  @MaxLength(AdminLimits.reasonMaxChars, { message: REASON_TOO_LONG })
  reason?: string;
}

/** POST /api/v1/admin/purges/{plan_id}/confirm */
export class PurgeConfirmBody {
  @IsString({ message: 'confirm_token must be a string' })
  @MinLength(1, { message: 'confirm_token must not be empty' })
  @MaxLength(AdminLimits.confirmTokenMaxChars, { message: `confirm_token must be at most ${AdminLimits.confirmTokenMaxChars} characters` })
  confirm_token!: string;
}

/** Path parameter of /admin/purges/{plan_id}: plan ids are UUIDs. */
export class PlanIdParam {
  @IsUUID('all', { message: 'plan id must be a UUID' })
  plan_id!: string;
}
