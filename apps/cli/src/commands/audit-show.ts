/** `crux audit show <job-id>`: the whole trail of one job (or of one purge plan, by its id). */
import type { AuditRecord } from '@crux/contracts';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { readTrail } from '../audit/read-trail.js';
import { ExitCode } from '../exit-codes.js';
import { formatAuditHeader, formatAuditLine } from '../format/audit.js';
import { printJson, type CommandContext } from './command.js';

export async function auditShow(context: CommandContext, argv: string[]): Promise<number> {
  const { positionals } = parseCommandArgs('audit show', argv, {});
  const [jobId] = expectPositionals('audit show', positionals, ['job id']);
  const client = context.client('auditor');
  const records: AuditRecord[] = [];
  for await (const page of readTrail(client, { job_id: jobId })) {
    if (context.json) page.records.forEach((record) => printJson(context, record, true));
    else records.push(...page.records);
  }
  if (context.json) return ExitCode.Ok;
  if (records.length === 0) {
    context.io.stdout.write(`no audit records for ${jobId}: it was never cancelled, deleted, held or restored (or the id is wrong)\n`);
  } else {
    context.io.stdout.write(`${[formatAuditHeader(), ...records.map(formatAuditLine)].join('\n')}\n`);
  }
  return ExitCode.Ok;
}
