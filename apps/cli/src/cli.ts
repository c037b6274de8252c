/**
 * `crux <command> ...`: finds the command, gives it a context, and turns whatever goes
 * wrong into one line on stderr and an exit code (listed in exit-codes.ts).
 */
import type { Role } from '@crux/contracts';
import { hasFlag } from './args.js';
import { COMMANDS, type Command, type CommandContext } from './commands/index.js';
import { renderCommandHelp, renderGlobalHelp } from './commands/help.js';
import { resolveConfig, type ClientConfig } from './config.js';
import { CliError, UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { CruxClient } from './http/client.js';
import { isAbort } from './http/send.js';
import type { Io } from './io.js';
import { CLI_VERSION } from './version.js';

export async function run(argv: readonly string[], io: Io, commands: readonly Command[] = COMMANDS): Promise<number> {
  // `crux --json jobs` reads as naturally as `crux jobs --json`: move leading --json after the command.
  const leadingJson = argv.indexOf('--json') === 0;
  const args = leadingJson ? argv.slice(1) : [...argv];
  const name = args[0];
  const rest = leadingJson ? [...args.slice(1), '--json'] : args.slice(1);

  try {
    if (name === undefined) {
      io.stderr.write(renderGlobalHelp(commands));
      return ExitCode.Usage;
    }
    if (name === '--help' || name === '-h') {
      io.stdout.write(renderGlobalHelp(commands));
      return ExitCode.Ok;
    }
    if (name === '--version' || name === '-V') {
      io.stdout.write(`crux ${CLI_VERSION}\n`);
      return ExitCode.Ok;
    }
    const command = commands.find((candidate) => candidate.name === name);
    if (!command) {
      throw new UsageError(`unknown command '${name}'; commands are ${commands.map((c) => c.name).join(', ')} (see crux --help)`);
    }
    if (hasFlag(rest, '--help', '-h')) {
      io.stdout.write(renderCommandHelp(command));
      return ExitCode.Ok;
    }
    return await command.run(createContext(io, hasFlag(rest, '--json')), rest);
  } catch (error) {
    return report(io, error);
  }
}

function createContext(io: Io, json: boolean): CommandContext {
  const clients = new Map<Role, CruxClient>();
  let noticed = false;
  return {
    io,
    json,
    client(role: Role = 'submitter') {
      const existing = clients.get(role);
      if (existing) return existing;
      const config = resolveConfig(io.env, io.cwd, role);
      if (config.notice && !noticed) {
        noticed = true;
        io.stderr.write(`crux: ${config.notice}\n`);
      }
      const client = new CruxClient({
        baseUrl: config.baseUrl,
        apiKey: config.apiKey,
        unauthorisedHint: unauthorisedHint(config),
        timeoutMs: 30_000,
      });
      clients.set(role, client);
      return client;
    },
  };
}

function unauthorisedHint(config: ClientConfig): string | undefined {
  if (config.keySource === 'none') return 'no API key: set CRUX_API_KEY, or run npm start to create development keys';
  if (config.keySource === 'dev-keys') return 'the development key was refused: is the gateway running with the keys npm start wrote?';
  return undefined;
}

function report(io: Io, error: unknown): number {
  if (error instanceof UsageError) {
    const where = error.command ? `crux ${error.command}` : 'crux';
    const help = error.command ? ` (see crux ${error.command} --help)` : '';
    io.stderr.write(`${where}: ${error.message}${help}\n`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    io.stderr.write(`crux: ${error.message}\n`);
    return error.exitCode;
  }
  if (isAbort(error)) {
    io.stderr.write('crux: interrupted\n');
    return ExitCode.Interrupted;
  }
  const detail = error instanceof Error ? (io.env.CRUX_DEBUG ? error.stack : error.message) : String(error);
  io.stderr.write(`crux: internal error: ${detail} (set CRUX_DEBUG=1 for a stack trace)\n`);
  return ExitCode.Internal;
}
