import { LOG_LEVELS, type LogLevelName } from '@crux/contracts/core';
import type { PoolLogger } from './pool/pool-types.js';

/** What the worker logs with (Nest's Logger): debug, log, warn, error. */
export type LineWriter = Required<PoolLogger>;

/**
 * The logger the pool and the consumer get: `debug` (a line per job: running, completed) is
 * there only when CRUX_LOG_LEVEL prints it. Callers write `debug?.(…)`, so at the default level
 * a job builds no line that nobody prints, nor goes through the logger to have it dropped.
 */
export function workerLogger(writer: LineWriter, level: LogLevelName): PoolLogger {
  const logger: PoolLogger = {
    log: (message) => writer.log(message),
    warn: (message) => writer.warn(message),
    error: (message) => writer.error(message),
  };
  if (LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf('debug')) logger.debug = (message) => writer.debug(message);
  return logger;
}
