/**
 * `crux audit export`: every record as JSON lines, in trail order, the format
 * `crux audit verify --file` checks. Written to FILE.partial and renamed at the end, so a
 * file with the final name is always a complete export.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { readTrail } from '../audit/read-trail.js';
import { parseTimeOption } from '../duration.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { OutputStream } from '../io.js';
import { formatCount } from '../purge/plan-display.js';
import { LiveLine } from '../render/live-line.js';
import { printJson, type CommandContext } from './command.js';

const options = {
  out: { type: 'string', short: 'o' },
  since: { type: 'string' },
  until: { type: 'string' },
} as const;

export async function auditExport(context: CommandContext, argv: string[]): Promise<number> {
  const { io } = context;
  const { values, positionals } = parseCommandArgs('audit export', argv, options);
  expectPositionals('audit export', positionals, []);
  const now = io.now();
  const query = {
    since: parseTimeOption('audit export', '--since', values.since, now),
    until: parseTimeOption('audit export', '--until', values.until, now),
  };
  const client = context.client('auditor');

  const target = values.out === undefined ? undefined : resolve(io.cwd, values.out);
  const partial = target === undefined ? undefined : `${target}.partial`;
  const file = partial === undefined ? undefined : await openForWrite(partial, values.out as string);
  const sink: OutputStream = file ?? io.stdout;
  // Progress only where a person watches stderr and the records are not drawn on the same screen.
  const live = io.stderr.isTTY && (file !== undefined || !io.stdout.isTTY) ? new LiveLine(io.stderr) : undefined;

  let count = 0;
  try {
    for await (const page of readTrail(client, query)) {
      if (page.records.length === 0) continue;
      await write(sink, page.records.map((record) => `${JSON.stringify(record)}\n`).join(''));
      count += page.records.length;
      live?.update(`exporting the audit trail: ${formatCount(count)} records`);
    }
    if (file) {
      file.end();
      await finished(file);
      renameSync(partial as string, target as string);
    }
  } catch (error) {
    live?.finish();
    if (file) {
      file.destroy();
      // Writes still queued fail once the stream is destroyed: wait for it to settle before removing the file.
      await finished(file).catch(() => undefined);
      rmSync(partial as string, { force: true });
    }
    throw error;
  }
  live?.finish();
  const where = values.out === undefined ? '' : ` to ${values.out}`;
  if (context.json && values.out !== undefined) printJson(context, { out: values.out, records: count });
  else io.stderr.write(`exported ${formatCount(count)} audit record${count === 1 ? '' : 's'}${where}\n`);
  return ExitCode.Ok;
}

async function openForWrite(path: string, shown: string): Promise<WriteStream> {
  const stream = createWriteStream(path, { flags: 'w' });
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new CliError(`cannot write ${shown}: ${(error as Error).message}`, ExitCode.Usage, { cause: error });
  }
  // Errors surface where they are awaited (drain, finished); this only keeps one from going unhandled meanwhile.
  stream.on('error', () => undefined);
  return stream;
}

/** Writes and, on a real stream that is full, waits for it to drain: an export can be far larger than memory. */
async function write(stream: OutputStream | WriteStream, text: string): Promise<void> {
  const flushed = stream.write(text);
  const emitter = stream as Partial<WriteStream>;
  if (flushed === false && typeof emitter.once === 'function') await once(emitter as WriteStream, 'drain');
}
