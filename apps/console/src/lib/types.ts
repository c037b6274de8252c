/**
 * What the console reads from the API: the shapes come from the shared contracts (types
 * only, erased at build, so no server code reaches the bundle); the few runtime lists the
 * pages need are spelled out here for the same reason.
 */
export type {
  AuditAction,
  AuditPage,
  AuditRecord,
  ChainVerdict,
  EventEnvelope,
  GoneError,
  JobStatus,
  JobView,
  PurgePlanView,
  PurgeProgress,
  RebuildProgress,
  Role,
} from '@crux/contracts';
import type { AuditAction, JobStatus, Role } from '@crux/contracts';

export const JOB_STATUSES: readonly JobStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];
export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
export const ROLES: readonly Role[] = ['submitter', 'operator', 'auditor'];
export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'cancel',
  'revoked',
  'revoke_unconfirmed',
  'deleted',
  'restored',
  'held',
  'released',
  'purge_planned',
  'purge_confirmed',
];
/** The event types after which a job's stream ends. */
export const TERMINAL_EVENT_TYPES: readonly string[] = ['completed', 'failed', 'cancel'];

/** Who is signed in: the API key's name and role, as GET /api/v1/whoami answers. */
export interface Session {
  name: string;
  role: Role;
}

/** GET /jobs: a page of jobs, newest first. */
export interface JobPage {
  jobs: import('@crux/contracts').JobView[];
  next_cursor: string | null;
}

/** GET /readyz: each dependency `ok` or what is wrong with it. */
export interface Readiness {
  status?: string;
  checks: Record<string, string>;
}
