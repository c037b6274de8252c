/** `crux audit tail`: the newest records, and with -f every record appended after them. */
import type { AuditRecord } from '@crux/contracts';
import { expectPositionals, parseCommandArgs, parseWholeNumber } from '../args.js';
import { NewRecords } from '../audit/new-records.js';
import { readTrail } from '../audit/read-trail.js';
import { parseTimeOption } from '../duration.js';
import { isTransientError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatAuditHeader, formatAuditLine } from '../format/audit.js';
import type { AuditQueryParams } from '../http/client.js';
import { isAbort } from '../http/send.js';
import type { Io } from '../io.js';
import { AUDIT_ACTIONS, isAuditAction } from '../job-types.js';
import { pollIntervalMs, sleep } from '../poll.js';
import { printJson, type CommandContext } from './command.js';

const options = {
  follow: { type: 'boolean', short: 'f' },
  limit: { type: 'string', short: 'n' },
  action: { type: 'string' },
  actor: { type: 'string' },
  since: { type: 'string' },
} as const;

export const DEFAULT_TAIL = 20;
/** Page size once caught up: following asks again for the last page at every poll. */
const FOLLOW_PAGE_SIZE = 100;

export interface TailArgs {
  query: Omit<AuditQueryParams, 'limit' | 'cursor'>;
  limit: number;
  follow: boolean;
}

export function parseTailArgs(argv: string[], now: Date): TailArgs {
  const { values, positionals } = parseCommandArgs('audit tail', argv, options);
  expectPositionals('audit tail', positionals, []);
  if (values.action !== undefined && !isAuditAction(values.action)) {
    throw new UsageError(`--action must be one of ${AUDIT_ACTIONS.join(', ')}, got '${values.action}'`, 'audit tail');
  }
  return {
    query: {
      action: values.action,
      actor: values.actor?.trim() || undefined,
      since: parseTimeOption('audit tail', '--since', values.since, now),
    },
    limit: parseWholeNumber('audit tail', '--limit', values.limit, 1, 100_000) ?? DEFAULT_TAIL,
    follow: values.follow === true,
  };
}

export async function auditTail(context: CommandContext, argv: string[]): Promise<number> {
  const { io } = context;
  const args = parseTailArgs(argv, io.now());
  const client = context.client('auditor');
  const seen = new NewRecords();
  const print = (record: AuditRecord) =>
    context.json ? printJson(context, record, true) : io.stdout.write(`${formatAuditLine(record)}\n`);

  // The API reads the trail oldest first: walk to the end keeping the newest `limit`.
  const newest: AuditRecord[] = [];
  let lastPageCursor: string | undefined;
  for await (const page of readTrail(client, args.query)) {
    lastPageCursor = page.cursor;
    for (const record of page.records) seen.admit(record);
    newest.push(...page.records);
    if (newest.length > args.limit) newest.splice(0, newest.length - args.limit);
  }
  if (!context.json && (newest.length > 0 || args.follow)) io.stdout.write(`${formatAuditHeader()}\n`);
  newest.forEach(print);
  if (!args.follow) {
    if (newest.length === 0 && !context.json) io.stdout.write('no audit records match\n');
    return ExitCode.Ok;
  }

  const aborter = new AbortController();
  const stopListening = io.onInterrupt(() => aborter.abort());
  const interval = pollIntervalMs(io.env);
  const outage = new OutageNotices(io);
  let cursor = lastPageCursor;
  try {
    for (;;) {
      await sleep(interval, aborter.signal);
      try {
        for (;;) {
          const page = await client.queryAudit({ ...args.query, limit: FOLLOW_PAGE_SIZE, cursor });
          outage.recovered();
          for (const record of page.records) if (seen.admit(record)) print(record);
          if (!page.next_cursor) break;
          cursor = page.next_cursor;
        }
      } catch (error) {
        if (aborter.signal.aborted || !isTransientError(error)) throw error;
        outage.lost(error as Error);
      }
    }
  } catch (error) {
    // Ctrl-C is how following ends: not a failure.
    if (aborter.signal.aborted || isAbort(error)) return ExitCode.Ok;
    throw error;
  } finally {
    stopListening();
  }
}

/** One line when the gateway goes away and one when it is back, not one per poll. */
class OutageNotices {
  private down = false;
  constructor(private readonly io: Io) {}
  lost(error: Error): void {
    if (this.down) return;
    this.down = true;
    this.io.stderr.write(`crux: ${error.message}; still following, retrying\n`);
  }
  recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.io.stderr.write('crux: the gateway answers again; following\n');
  }
}
