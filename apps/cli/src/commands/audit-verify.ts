/**
 * `crux audit verify`: asks the audit service to walk its hash chain, or with --file
 * recomputes the chain of an export here, with no gateway at all.
 */
import type { ChainVerdict } from '@crux/contracts';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { verifyExport, type ExportVerdict } from '../audit/offline-verify.js';
import { ExitCode } from '../exit-codes.js';
import { formatCount } from '../purge/plan-display.js';
import { printJson, type CommandContext } from './command.js';

const options = { file: { type: 'string' } } as const;

export async function auditVerify(context: CommandContext, argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('audit verify', argv, options);
  expectPositionals('audit verify', positionals, []);
  const verdict =
    values.file !== undefined ? await verifyExport(values.file, context.io.cwd) : await context.client('auditor').verifyAudit();
  if (context.json) printJson(context, verdict);
  else context.io.stdout.write(`${describeVerdict(verdict)}\n`);
  return verdict.ok ? ExitCode.Ok : ExitCode.CheckFailed;
}

export function describeVerdict(verdict: ChainVerdict | ExportVerdict): string {
  const source = 'file' in verdict ? `export ${verdict.file}` : 'audit trail';
  const checked = `${formatCount(verdict.records_checked)} record${verdict.records_checked === 1 ? '' : 's'}`;
  if (!verdict.ok) {
    const where = verdict.first_bad_sequence === null ? '' : ` at record ${verdict.first_bad_sequence}`;
    return `${source} FAILED verification${where}: ${verdict.problem ?? 'no reason given'} (${checked} checked)`;
  }
  if (verdict.records_checked === 0) return `${source} is empty: nothing to verify`;
  if (!('file' in verdict)) return `${source} verified: ${checked}, every link of the hash chain holds`;
  const span = verdict.partial
    ? `records from ${verdict.first_sequence} on (a slice: its first link is taken on trust, the records before it are not in the file)`
    : 'from the start of the trail';
  return `${source} verified: ${checked} ${span}, every link of the hash chain holds; last hash ${verdict.last_hash}`;
}
