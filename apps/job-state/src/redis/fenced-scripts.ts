import { RedisKeys } from '@crux/contracts';
import type { ScriptCommand } from './commands.js';

/** The epoch a projector write was planned in: checked by Redis inside the write itself. */
export interface ProjectorFence {
  /** From hold-projector-lease-3.lua: `<n>:<holder>:<tag>`, changed only when a term begins. */
  epoch: string;
}

/**
 * The scripts the projector writes with, each with its fenced variant (lua/fenced/projector-fence.lua
 * in front of its body) and the key count its file name declares (null: the caller passes the
 * count first). defineScripts checks these counts against the files.
 */
export const FENCED_SCRIPTS = {
  applyEvents: { fenced: 'fencedApplyEvents', keys: null },
  deleteJobs: { fenced: 'fencedDeleteJobs', keys: null },
  restoreJob: { fenced: 'fencedRestoreJob', keys: 10 },
  setHold: { fenced: 'fencedSetHold', keys: 2 },
  setAside: { fenced: 'fencedSetAside', keys: null },
} as const satisfies Partial<Record<ScriptCommand, { fenced: string; keys: number | null }>>;
export type FenceableCommand = keyof typeof FENCED_SCRIPTS;
export type FencedCommand = (typeof FENCED_SCRIPTS)[FenceableCommand]['fenced'];

/** Where the wrapped script's body goes in the prologue: its own line. */
const BODY_MARK = /^-- the wrapped script's body goes here$/m;

/**
 * The fenced variant's source: the prologue, with the script's body inside the function the
 * prologue calls with the KEYS and ARGV after the fence's (a local KEYS/ARGV shadows the globals).
 */
export function wrapInFence(prologue: string, body: string): string {
  if (!BODY_MARK.test(prologue)) throw new Error('the fence prologue has no line marking where the body goes');
  return prologue.replace(BODY_MARK, () => body);
}

export function isFenceable(command: string): command is FenceableCommand {
  return Object.hasOwn(FENCED_SCRIPTS, command);
}

/** Redis's error for a write the fence refused (the prologue's error_reply). */
export const FENCED_ERROR_PREFIX = 'FENCED';

/** True when Redis refused a write because another replica took the projector lease over. */
export function isFencedError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith(FENCED_ERROR_PREFIX);
}

/**
 * The fenced call for a script call: the epoch key before its KEYS, the expected epoch before
 * its ARGV. `args` is what the unfenced command takes: KEYS then ARGV, or for a variable key
 * count, the count first.
 */
export function fencedCall(command: string, args: readonly string[], fence: ProjectorFence): { command: FencedCommand; args: string[] } {
  if (!isFenceable(command)) throw new Error(`${command} has no fenced variant: add it to FENCED_SCRIPTS`);
  const { fenced, keys } = FENCED_SCRIPTS[command];
  if (keys === null) {
    const count = Number(args[0]);
    const rest = args.slice(1);
    return {
      command: fenced,
      args: [String(count + 1), RedisKeys.projectorEpoch, ...rest.slice(0, count), fence.epoch, ...rest.slice(count)],
    };
  }
  return { command: fenced, args: [RedisKeys.projectorEpoch, ...args.slice(0, keys), fence.epoch, ...args.slice(keys)] };
}
