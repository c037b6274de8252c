/**
 * The few values the CLI needs at run time from the contracts. The CLI imports only types
 * from @crux/contracts: loading the library at run time pulls in class-validator and
 * roughly triples the start-up time of every command. Each list is checked against the
 * contract types in both directions, so a new status or provider fails to compile here.
 */
import type { AuditAction, JobEventType, JobStatus, ProviderName } from '@crux/contracts';

type Exhaustive<List extends readonly string[], Union extends string> =
  Exclude<Union, List[number]> extends never ? List : { missing: Exclude<Union, List[number]> };

const statuses = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const satisfies readonly JobStatus[];
export const JOB_STATUSES: Exhaustive<typeof statuses, JobStatus> = statuses;

const providers = ['simulated', 'openai'] as const satisfies readonly ProviderName[];
export const PROVIDERS: Exhaustive<typeof providers, ProviderName> = providers;

const auditActions = [
  'cancel',
  'revoked',
  'revoke_unconfirmed',
  'deleted',
  'restored',
  'held',
  'released',
  'purge_planned',
  'purge_confirmed',
] as const satisfies readonly AuditAction[];
export const AUDIT_ACTIONS: Exhaustive<typeof auditActions, AuditAction> = auditActions;

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}

/** Mirrors `isTerminalEvent` in @crux/contracts: after one of these the job's stream has nothing more to say. */
const terminalEvents = ['completed', 'failed', 'cancel'] as const satisfies readonly JobEventType[];
export const TERMINAL_EVENTS: readonly JobEventType[] = terminalEvents;

export function isTerminalEventType(type: string): boolean {
  return (TERMINAL_EVENTS as readonly string[]).includes(type);
}

export function isJobStatus(value: string): value is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(value);
}
