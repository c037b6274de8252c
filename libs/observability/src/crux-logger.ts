import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { LOG_LEVELS, type LogFormat, type LogLevelName } from '@crux/contracts';
import { fieldsInParams, fieldsInText, LOG_FIELDS } from './log-fields.js';

export interface CruxLoggerOptions {
  /** The service's name, e.g. `crux-job-state`: the `service` field, or the line's prefix in text. */
  service: string;
  /** CRUX_LOG_FORMAT. */
  format: LogFormat;
  /** CRUX_LOG_LEVEL: this level and every more severe one are printed. */
  level: LogLevelName;
  /** Where JSON lines go; process.stdout and process.stderr unless a test captures them. */
  write?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** Keys whose values never reach a log line, wherever they sit in a params object. */
const SECRET_KEYS = [
  'password',
  'pass',
  'secret',
  'token',
  'confirm_token',
  'api_key',
  'apiKey',
  'authorization',
  'openai_api_key',
  'openaiApiKey',
];

/** The level given and every more severe one: `log` → fatal, error, warn, log. */
export function levelsFrom(level: LogLevelName): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

/**
 * The one logger of every Crux service: Nest's console logger, in text (readable, coloured on
 * a terminal) or JSON lines `{time, level, service, context, message, job_id, plan_id, actor, …}`.
 * Install it with `Logger.overrideLogger(…)` (or the `logger` option) in main.ts, before the app
 * is created, so every `new Logger(context)` in the services writes through it.
 */
export class CruxLogger extends ConsoleLogger {
  private readonly service: string;
  private readonly write: (line: string, stream: 'stdout' | 'stderr') => void;

  constructor(options: CruxLoggerOptions) {
    const json = options.format === 'json';
    super({
      json,
      prefix: options.service,
      logLevels: levelsFrom(options.level),
      // Plain objects after the message are fields of the record, not extra lines.
      structuredParams: true,
      flattenParams: true,
      redact: SECRET_KEYS,
      ...(json ? { colors: false, compact: true } : {}),
    });
    this.service = options.service;
    this.write = options.write ?? ((line, stream) => void process[stream].write(line));
  }

  /**
   * CRUX_LOG_LEVEL is the one setting for levels: Nest passes an app's `logger: [levels]` list
   * here when the app is created, and that list must not override what the operator chose.
   */
  override setLogLevels(levels: LogLevel[]): void {
    if (this.options.logLevels) return;
    super.setLogLevels(levels);
  }

  protected override printAsJson(message: unknown, options: Parameters<ConsoleLogger['printAsJson']>[1]): void {
    const record = jsonRecord(this.service, this.getJsonLogObject(message, options), options.params);
    this.write(`${this.stringifyJsonLogObject(record)}\n`, options.writeStreamType ?? 'stdout');
  }
}

/**
 * One JSON line's content: time, level, service, context and message first, then the ids (given
 * as params, or named in the message), then anything else Nest put in (error, stack, other params).
 */
export function jsonRecord(
  service: string,
  nest: ReturnType<ConsoleLogger['getJsonLogObject']>,
  params?: Record<string, unknown>,
): Record<string, unknown> {
  const { level, pid, timestamp, message, context, ...rest } = nest;
  const fields = { ...(typeof message === 'string' ? fieldsInText(message) : {}), ...fieldsInParams(params) };
  for (const name of LOG_FIELDS) delete rest[name];
  return { time: new Date(timestamp).toISOString(), level, service, ...(context ? { context } : {}), message, ...fields, pid, ...rest };
}

/** The logger for a service, from its settings. */
export function serviceLogger(service: string, settings: { logFormat: LogFormat; logLevel: LogLevelName }): CruxLogger {
  return new CruxLogger({ service, format: settings.logFormat, level: settings.logLevel });
}
