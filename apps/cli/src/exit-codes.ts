/**
 * The exit codes of every `crux` command, in one place: scripts branch on them, and the
 * help text lists them from here so the two never disagree.
 */
export const ExitCode = {
  Ok: 0,
  /** The job ended failed or cancelled (watch, submit --watch, submit --sync). */
  JobUnsuccessful: 1,
  Usage: 2,
  Unreachable: 3,
  /** 401 or 403. */
  NotAuthorised: 4,
  /** 404 or 410. */
  NotFound: 5,
  /** Any other 4xx: the gateway refused the request. */
  Refused: 6,
  /** 5xx, or an answer the CLI cannot read. */
  GatewayError: 7,
  /** purge: the operator did not confirm (or could not be asked); nothing was deleted. */
  NotConfirmed: 8,
  /** audit verify, verify-purge: the check ran and found a problem. */
  CheckFailed: 9,
  /** purge: the plan ran but some jobs could not be deleted. */
  PurgeIncomplete: 10,
  /** A bug in the CLI itself (EX_SOFTWARE). */
  Internal: 70,
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_DOC: ReadonlyArray<readonly [ExitCode, string]> = [
  [ExitCode.Ok, 'success (watch: the job completed)'],
  [ExitCode.JobUnsuccessful, 'the job failed or was cancelled'],
  [ExitCode.Usage, 'bad command line'],
  [ExitCode.Unreachable, 'cannot reach the gateway'],
  [ExitCode.NotAuthorised, 'not authorised (HTTP 401/403)'],
  [ExitCode.NotFound, 'no such job, or it was deleted (HTTP 404/410)'],
  [ExitCode.Refused, 'the gateway refused the request (other HTTP 4xx)'],
  [ExitCode.GatewayError, 'gateway error (HTTP 5xx) or an unreadable answer'],
  [ExitCode.NotConfirmed, 'purge not confirmed: nothing was deleted'],
  [ExitCode.CheckFailed, 'a check failed (audit verify, verify-purge)'],
  [ExitCode.PurgeIncomplete, 'purge ran, but some jobs could not be deleted'],
  [ExitCode.Internal, 'a bug in crux itself'],
  [ExitCode.Interrupted, 'interrupted (Ctrl-C)'],
];
