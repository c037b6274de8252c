/**
 * Argument parsing on node:util parseArgs, with its errors turned into one-line usage
 * messages and a couple of value checks every command shares.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionsConfig;

type CommandParseConfig<O extends OptionsConfig> = {
  args: string[];
  options: typeof GLOBAL_OPTIONS & O;
  allowPositionals: true;
  strict: true;
};
export type ParsedArgs<O extends OptionsConfig> = ReturnType<typeof parseArgs<CommandParseConfig<O>>>;

export function parseCommandArgs<const O extends OptionsConfig>(command: string, argv: string[], options: O): ParsedArgs<O> {
  try {
    return parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
}

function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const quoted = /'([^']+)'/.exec(message ?? '')?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${quoted}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = quoted?.split(' ')[0];
      return message?.includes('ambiguous')
        ? `option ${option} needs a value (write ${option}=VALUE for a value starting with '-')`
        : message?.includes('argument missing')
          ? `option ${option} needs a value`
          : `option ${option} takes no value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted}'`;
    default:
      return message ?? String(error);
  }
}

/** True when `flag` appears before a `--` terminator. */
export function hasFlag(argv: readonly string[], ...flags: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => flags.includes(arg));
}

/** A whole number within bounds, or a usage error naming the option. */
export function parseWholeNumber(
  command: string,
  option: string,
  raw: string | undefined,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${option} must be a whole number ${range}, got '${raw}'`, command);
  }
  return value;
}

/** Exactly one positional per entry of `names`, each named in the message when missing. */
export function expectPositionals(command: string, positionals: string[], names: readonly string[]): string[] {
  if (positionals.length < names.length) throw new UsageError(`missing ${names[positionals.length]}`, command);
  if (positionals.length > names.length) throw new UsageError(`unexpected argument '${positionals[names.length]}'`, command);
  return positionals;
}
