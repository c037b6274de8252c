import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis, Result } from 'ioredis';
import { LUA_DIR } from '../lua-dir.js';

/** The Lua scripts, registered under the command name their file is named after. */
export const ScriptCommand = {
  ApplyEvent: 'applyEvent',
  DeleteJobs: 'deleteJobs',
  RestoreJob: 'restoreJob',
  SetHold: 'setHold',
  ConfirmPurge: 'confirmPurge',
  HoldLease: 'holdLease',
} as const;
export type ScriptCommand = (typeof ScriptCommand)[keyof typeof ScriptCommand];

declare module 'ioredis' {
  interface RedisCommander<Context> {
    applyEvent(...args: (string | number)[]): Result<unknown, Context>;
    /** Variable key count: the first argument is the number of keys. */
    deleteJobs(...args: (string | number)[]): Result<unknown, Context>;
    restoreJob(...args: (string | number)[]): Result<unknown, Context>;
    setHold(...args: (string | number)[]): Result<unknown, Context>;
    confirmPurge(...args: (string | number)[]): Result<number, Context>;
    holdLease(...args: (string | number)[]): Result<number, Context>;
  }
}

const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Registers every `lua/<command>-<nkeys>.lua` with defineCommand, BullMQ style: the key
 * count comes from the file name, so a script and its caller cannot disagree silently. A
 * script over a variable number of jobs is named without a count (`<command>.lua`); its
 * caller passes the count first, as EVAL does.
 */
export function defineScripts(redis: Redis, dir = LUA_DIR): string[] {
  const names: string[] = [];
  for (const file of readdirSync(dir).sort()) {
    const match = /^([a-z]+(?:-[a-z]+)*)(?:-(\d+))?\.lua$/.exec(file);
    if (!match) continue;
    const name = camel(match[1]);
    const lua = readFileSync(join(dir, file), 'utf8');
    redis.defineCommand(name, match[2] === undefined ? { lua } : { numberOfKeys: Number(match[2]), lua });
    names.push(name);
  }
  for (const wanted of Object.values(ScriptCommand)) {
    if (!names.includes(wanted)) throw new Error(`no Lua script for ${wanted} in ${dir}`);
  }
  return names;
}
