/** How audit records read in a terminal: one fixed-layout line each, so `audit tail -f` can stream them. */
import type { Actor, AuditRecord } from '@crux/contracts';

/** The longest action name (revoke_unconfirmed), so columns line up across lines printed at different times. */
const ACTION_WIDTH = 18;
const SEQUENCE_WIDTH = 6;

export function formatAuditHeader(): string {
  return `${'SEQ'.padStart(SEQUENCE_WIDTH)}  ${'OCCURRED (UTC)'.padEnd(19)}  ${'ACTION'.padEnd(ACTION_WIDTH)}  ${'JOB / PLAN'.padEnd(36)}  ACTOR  REASON  DETAILS`;
}

/** `    17  2026-11-28 12:00:03  deleted             <job id>  dev-operator  purge  plan_id=… archived=true`. */
export function formatAuditLine(record: AuditRecord): string {
  const sequence = record.sequence === undefined ? '-' : String(record.sequence);
  const parts = [
    sequence.padStart(SEQUENCE_WIDTH),
    formatUtc(record.occurred_at).padEnd(19),
    record.action.padEnd(ACTION_WIDTH),
    record.job_id.padEnd(36),
    formatActor(record.actor),
    record.reason ?? '-',
  ];
  const details = formatDetails(record.details);
  if (details) parts.push(details);
  return parts.join('  ');
}

/** Users by name; services and the system with their kind, so a TTL expiry never reads like a person. */
export function formatActor(actor: Actor | undefined): string {
  if (!actor) return '-';
  return actor.kind === 'user' ? actor.id : `${actor.kind}:${actor.id}`;
}

/** `key=value` pairs; nested values as compact JSON. */
export function formatDetails(details: Record<string, unknown> | undefined): string {
  if (!details) return '';
  return Object.entries(details)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

function formatUtc(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toISOString().slice(0, 19).replace('T', ' ');
}
