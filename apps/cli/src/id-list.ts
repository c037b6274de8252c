/**
 * Job ids from the command line and from files: `--ids a,b`, `--ids-file FILE` (one per
 * line, or separated by spaces or commas; `#` starts a comment), and positional ids.
 * Order is kept and repeats are dropped, so a count shown back is the count of distinct jobs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './errors.js';

/** The ids in `text`; anything after `#` on a line is a comment. */
export function parseIdList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, ''))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter((id) => id !== '');
}

export function uniqueIds(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}

/** Reads an ids file relative to `cwd`; a missing or unreadable file is a usage error naming it. */
export function readIdsFile(command: string, file: string, cwd: string): string[] {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new UsageError(`cannot read --ids-file ${file}: ${why}`, command);
  }
  const ids = parseIdList(text);
  if (ids.length === 0) throw new UsageError(`--ids-file ${file} holds no job ids`, command);
  return ids;
}

/** Every id given by `--ids` (comma-separated, repeatable), `--ids-file` and positionals, distinct and in order. */
export function collectIds(
  command: string,
  sources: { ids?: readonly string[]; idsFile?: string; positionals?: readonly string[] },
  cwd: string,
): string[] {
  const listed = (sources.ids ?? []).flatMap((value) => {
    const ids = parseIdList(value);
    if (ids.length === 0) throw new UsageError('--ids needs at least one job id', command);
    return ids;
  });
  const fromFile = sources.idsFile === undefined ? [] : readIdsFile(command, sources.idsFile, cwd);
  return uniqueIds([...(sources.positionals ?? []), ...listed, ...fromFile]);
}
