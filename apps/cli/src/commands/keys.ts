import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Role } from '@crux/contracts';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { printJson, type Command, type CommandContext } from './command.js';

export const DEFAULT_KEYS_FILE = 'crux-api-keys';

/** 32 random bytes, base64url: 43 URL-safe characters. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export const sha256Hex = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Where the keys file is: --file, else CRUX_API_KEYS_FILE, else ./crux-api-keys. */
export function keysFilePath(context: CommandContext, file: string | undefined): string {
  return resolve(context.io.cwd, file ?? context.io.env.CRUX_API_KEYS_FILE ?? DEFAULT_KEYS_FILE);
}

async function keysAdd(context: CommandContext, argv: string[]): Promise<number> {
  // Loaded here, not at start: the library pulls in class-validator, which no other command needs.
  const { API_KEY_NAME, formatApiKeyLine, parseApiKeyFile, ROLES } = await import('@crux/contracts');
  const { values, positionals } = parseCommandArgs('keys', argv, { role: { type: 'string' }, file: { type: 'string' } });
  const [name] = expectPositionals('keys', positionals, ['key name']);
  if (!API_KEY_NAME.test(name)) throw new UsageError(`key name '${name}' must be letters, digits, '.', '_' or '-' (at most 64)`, 'keys');
  if (!values.role) throw new UsageError(`missing --role (${ROLES.join(', ')})`, 'keys');
  if (!(ROLES as readonly string[]).includes(values.role))
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got '${values.role}'`, 'keys');
  const path = keysFilePath(context, values.file);
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  let keys;
  try {
    keys = parseApiKeyFile(existing, path);
  } catch (error) {
    throw new CliError(`${(error as Error).message}; fix the file first`, ExitCode.Usage);
  }
  if (keys.some((key) => key.name === name)) {
    throw new CliError(`${path} already has a key named '${name}'; names are principals, so each must be unique`, ExitCode.Refused);
  }
  const secret = newSecret();
  const line = formatApiKeyLine({ name, role: values.role as Role, sha256: sha256Hex(secret) });
  if (existing === '')
    writeFileSync(path, `# Crux API keys: name:role:sha256(secret) — see CRUX_API_KEYS_FILE\n${line}\n`, { mode: 0o600 });
  else appendFileSync(path, `${existing.endsWith('\n') ? '' : '\n'}${line}\n`);
  if (context.json) printJson(context, { name, role: values.role, file: path, secret });
  else {
    context.io.stdout.write(`${secret}\n`);
    context.io.stderr.write(
      `added key '${name}' (${values.role}) to ${path}. The secret above is shown only this once; the file keeps only its sha256.\n` +
        `Clients send it as: Authorization: Bearer <secret>. Restart the gateways to load the key.\n`,
    );
  }
  return ExitCode.Ok;
}

export const keysCommand: Command = {
  name: 'keys',
  summary: 'create API keys for CRUX_API_KEYS_FILE (holds digests, never secrets)',
  usage: ['keys add <name> --role submitter|operator|auditor [--file F] [--json]'],
  details: `keys add   generates a random secret (43 URL-safe characters), appends name:role:sha256 to
           the keys file and prints the secret once on stdout: the file keeps only its digest,
           so store the secret now. A name already in the file is refused (exit 6).
  --role R   submitter (own jobs), operator (everything), auditor (read the trail)
  --file F   the keys file (default: CRUX_API_KEYS_FILE, else ./${DEFAULT_KEYS_FILE}); created
             with mode 600 when missing
  --json     {name, role, file, secret} on stdout

Point the gateway at the file with CRUX_API_KEYS_FILE and restart it. Works offline.`,
  async run(context, argv) {
    const [sub, ...rest] = argv;
    if (sub === 'add') return keysAdd(context, rest);
    throw new UsageError(sub === undefined ? 'missing subcommand (add)' : `unknown subcommand '${sub}' (add)`, 'keys');
  },
};
