import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis, Result } from 'ioredis';
import { LUA_DIR } from '../lua-dir.js';
import { FENCED_SCRIPTS, wrapInFence, type FenceableCommand } from './fenced-scripts.js';

/** The Lua scripts, registered under the command name their file is named after. */
export const ScriptCommand = {
  ApplyEvents: 'applyEvents',
  DeleteJobs: 'deleteJobs',
  ReadJobs: 'readJobs',
  ReadFields: 'readFields',
  RestoreJob: 'restoreJob',
  SetHold: 'setHold',
  ConfirmPurge: 'confirmPurge',
  HoldLease: 'holdLease',
  HoldProjectorLease: 'holdProjectorLease',
  CountRefusedDeletion: 'countRefusedDeletion',
  SetAside: 'setAside',
} as const;
export type ScriptCommand = (typeof ScriptCommand)[keyof typeof ScriptCommand];

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** Variable key count: the first argument is the number of keys. */
    applyEvents(...args: (string | number)[]): Result<unknown, Context>;
    /** Variable key count: the first argument is the number of keys. */
    deleteJobs(...args: (string | number)[]): Result<unknown, Context>;
    /** Variable key count: the first argument is the number of keys. Each job's fields framed, as bytes. */
    /** Variable key count: the first argument is the number of keys. The fields of every job, one after another. */
    readFields(...args: (string | number)[]): Result<(string | null)[], Context>;
    readJobsBuffer(...args: (string | number)[]): Result<Buffer[], Context>;
    restoreJob(...args: (string | number)[]): Result<unknown, Context>;
    setHold(...args: (string | number)[]): Result<unknown, Context>;
    confirmPurge(...args: (string | number)[]): Result<number, Context>;
    holdLease(...args: (string | number)[]): Result<number, Context>;
    countRefusedDeletion(...args: (string | number)[]): Result<number, Context>;
    /** Variable key count: the first argument is the number of keys. */
    setAside(...args: (string | number)[]): Result<number, Context>;
    /** The epoch the caller leads in, or '' when another replica holds the lease. */
    holdProjectorLease(...args: (string | number)[]): Result<string, Context>;
    /** The projector's writes: lua/fenced/projector-fence.lua in front of the script of the same name. */
    fencedApplyEvents(...args: (string | number)[]): Result<unknown, Context>;
    fencedDeleteJobs(...args: (string | number)[]): Result<unknown, Context>;
    fencedRestoreJob(...args: (string | number)[]): Result<unknown, Context>;
    fencedSetHold(...args: (string | number)[]): Result<unknown, Context>;
    fencedSetAside(...args: (string | number)[]): Result<number, Context>;
  }
}

const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Registers every `lua/<command>-<nkeys>.lua` with defineCommand, BullMQ style: the key
 * count comes from the file name, so a script and its caller cannot disagree silently. A
 * script over a variable number of jobs is named without a count (`<command>.lua`); its
 * caller passes the count first, as EVAL does.
 *
 * Each script the projector writes with also gets a fenced variant (FENCED_SCRIPTS): the
 * prologue `fenced/projector-fence.lua` checks the projector's epoch, then runs the script's
 * own body, all in one script; its key count is the script's plus the epoch key.
 */
export function defineScripts(redis: Redis, dir = LUA_DIR): string[] {
  const names: string[] = [];
  const sources = new Map<string, { lua: string; keys: number | null }>();
  for (const file of readdirSync(dir).sort()) {
    const match = /^([a-z]+(?:-[a-z]+)*)(?:-(\d+))?\.lua$/.exec(file);
    if (!match) continue;
    const name = camel(match[1]);
    const lua = readFileSync(join(dir, file), 'utf8');
    const keys = match[2] === undefined ? null : Number(match[2]);
    redis.defineCommand(name, keys === null ? { lua } : { numberOfKeys: keys, lua });
    sources.set(name, { lua, keys });
    names.push(name);
  }
  for (const wanted of Object.values(ScriptCommand)) {
    if (!names.includes(wanted)) throw new Error(`no Lua script for ${wanted} in ${dir}`);
  }
  const prologue = readFileSync(join(dir, 'fenced', 'projector-fence.lua'), 'utf8');
  for (const [command, { fenced, keys }] of Object.entries(FENCED_SCRIPTS) as [
    FenceableCommand,
    (typeof FENCED_SCRIPTS)[FenceableCommand],
  ][]) {
    const source = sources.get(command);
    if (!source || source.keys !== keys) {
      throw new Error(
        `FENCED_SCRIPTS says ${command} takes ${keys ?? 'a variable number of'} keys; its file in ${dir} says ${source?.keys ?? 'variable'}`,
      );
    }
    const lua = wrapInFence(prologue, source.lua);
    redis.defineCommand(fenced, keys === null ? { lua } : { numberOfKeys: keys + 1, lua });
    names.push(fenced);
  }
  return names;
}
