import { expectPositionals, parseCommandArgs } from '../args.js';
import { DEFAULT_URL } from '../config.js';
import { DEV_KEYS_PATH } from '../dev-keys.js';
import { UsageError } from '../errors.js';
import { EXIT_CODE_DOC, ExitCode } from '../exit-codes.js';
import { DEFAULT_POLL_MS } from '../poll.js';
import { printJson, type Command } from './command.js';

export function renderGlobalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return `crux — submit and follow Crux solve jobs; cancel, purge, restore and audit them

Usage: crux <command> [arguments] [--json] [--help]

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Run \`crux <command> --help\` for a command's options. Every command takes --json to
print machine-readable JSON instead of text; errors are always one line on stderr.

Settings (environment):
  CRUX_URL      the gateway (default ${DEFAULT_URL})
  CRUX_API_KEY  your API key; when unset, crux uses the development key that
                \`npm start\` wrote to ${DEV_KEYS_PATH} (searched from here upwards)
                for the role the command needs (submitter; operator for purge,
                verify-purge, restore, hold, release, rebuild-state; auditor for audit)
  CRUX_POLL_MS  how often purge progress and audit tail -f poll (default ${DEFAULT_POLL_MS})
  REDIS_URL     verify-purge also checks Redis directly when set

${renderExitCodes()}
`;
}

export function renderCommandHelp(command: Command): string {
  const usage = command.usage.map((line, i) => `${i === 0 ? 'Usage: ' : '       '}crux ${line}`).join('\n');
  return `${usage}

${command.summary[0].toUpperCase()}${command.summary.slice(1)}.

${command.details}

  -h, --help   this help

${renderExitCodes()}
`;
}

function renderExitCodes(): string {
  return `Exit codes:\n${EXIT_CODE_DOC.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`).join('\n')}`;
}

/** `crux help [command]`; takes the list lazily because it is part of that list. */
export function createHelpCommand(list: () => readonly Command[]): Command {
  return {
    name: 'help',
    summary: 'show help for crux or for one command',
    usage: ['help [command]'],
    details: '  --json   the commands, their summaries and usage as JSON',
    async run(context, argv) {
      const { positionals } = parseCommandArgs('help', argv, {});
      const commands = list();
      if (positionals.length === 0) {
        if (context.json) {
          printJson(context, {
            commands: commands.map(({ name, summary, usage }) => ({ name, summary, usage: usage.map((line) => `crux ${line}`) })),
            exit_codes: Object.fromEntries(EXIT_CODE_DOC.map(([code, meaning]) => [code, meaning])),
          });
        } else context.io.stdout.write(renderGlobalHelp(commands));
        return ExitCode.Ok;
      }
      const [name] = expectPositionals('help', positionals, ['command']);
      const command = commands.find((candidate) => candidate.name === name);
      if (!command) throw new UsageError(`unknown command '${name}'; commands are ${commands.map((c) => c.name).join(', ')}`, 'help');
      if (context.json)
        printJson(context, { name: command.name, summary: command.summary, usage: command.usage.map((line) => `crux ${line}`) });
      else context.io.stdout.write(renderCommandHelp(command));
      return ExitCode.Ok;
    },
  };
}
