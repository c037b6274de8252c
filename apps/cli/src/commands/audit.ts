import { UsageError } from '../errors.js';
import { AUDIT_ACTIONS } from '../job-types.js';
import { auditExport } from './audit-export.js';
import { auditShow } from './audit-show.js';
import { auditTail, DEFAULT_TAIL } from './audit-tail.js';
import { auditVerify } from './audit-verify.js';
import type { Command, CommandContext } from './command.js';

const SUBCOMMANDS: Record<string, (context: CommandContext, argv: string[]) => Promise<number>> = {
  tail: auditTail,
  show: auditShow,
  verify: auditVerify,
  export: auditExport,
};

export const auditCommand: Command = {
  name: 'audit',
  summary: 'read, export and verify the permanent deletion trail',
  usage: [
    'audit tail [-f] [--limit N] [--action A] [--actor X] [--since T] [--json]',
    'audit show <job-id> [--json]',
    'audit verify [--file trail.jsonl] [--json]',
    'audit export [--out FILE] [--since T] [--until T] [--json]',
  ],
  details: `The trail records every cancel, revoke, deletion (purge, TTL expiry, external DEL),
restore, hold and release, and every purge plan, each record chained to the one before
by a hash, so an altered or missing record is detected.

audit tail      the newest records (default ${DEFAULT_TAIL}), oldest first; the API pages from the
                oldest record, so on a long trail --since makes this quicker
  -f, --follow    keep printing new records as they are appended (Ctrl-C stops, exit 0)
  -n, --limit N   how many of the newest records to show
  --action A      only this action: ${AUDIT_ACTIONS.join(', ')}
  --actor X       only this actor: an API key's name, or kind:id (service:job-state)
  --since T       only records that occurred after T
audit show      the whole trail of one job, or of one purge plan by its plan id
audit verify    asks the audit service to check the whole hash chain
  --file FILE     instead checks an export offline (no gateway needed): recomputes every
                  hash of FILE, as written by audit export
audit export    every record as JSON lines, oldest first, with a count on stderr
  -o, --out FILE  write to FILE (written as FILE.partial, renamed when complete); default stdout
  --since T, --until T   only records that occurred in this window (an export cut this
                  way is verified as a slice)

Times T: 2026-11-28, 2026-11-28T12:00:00Z, or a duration before now: 30m, 12h, 7d.
--json: tail and show print one record per line (as export does); verify prints the verdict.
Uses the auditor key (an operator key works too). verify exits 9 when the chain is broken.

Examples:
  crux audit tail -f --action deleted
  crux audit export --out trail.jsonl && crux audit verify --file trail.jsonl`,
  async run(context, argv) {
    // `crux audit --json tail` works like `crux audit tail --json`.
    const index = argv.findIndex((arg) => arg !== '--json');
    const name = index === -1 ? undefined : argv[index];
    if (name === undefined) throw new UsageError(`missing subcommand: ${Object.keys(SUBCOMMANDS).join(', ')}`, 'audit');
    const subcommand = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
    if (!subcommand)
      throw new UsageError(`unknown subcommand '${name}'; audit subcommands are ${Object.keys(SUBCOMMANDS).join(', ')}`, 'audit');
    return subcommand(context, [...argv.slice(0, index), ...argv.slice(index + 1)]);
  },
};
