import type { JobStatus, SolveMode } from '@crux/contracts';
import { parseCommandArgs, parseWholeNumber } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { findResult, formatResultSummary } from '../format/job.js';
import type { SubmitAccepted } from '../http/client.js';
import { PROVIDERS } from '../job-types.js';
import { printJson, type Command, type CommandContext } from './command.js';
import { watchJob } from './watch.js';

const options = {
  question: { type: 'string', short: 'q' },
  enhanced: { type: 'boolean' },
  iters: { type: 'string' },
  specialists: { type: 'string' },
  'specialist-iters': { type: 'string' },
  'professor-iters': { type: 'string' },
  nested: { type: 'boolean' },
  'no-nested': { type: 'boolean' },
  'reasoning-effort': { type: 'string' },
  'soft-time-limit': { type: 'string' },
  'time-limit': { type: 'string' },
  model: { type: 'string' },
  provider: { type: 'string' },
  sync: { type: 'boolean' },
  watch: { type: 'boolean', short: 'w' },
} as const;

/** Options that only mean something to an enhanced job. */
const ENHANCED_ONLY = ['specialists', 'specialist-iters', 'professor-iters', 'nested', 'no-nested', 'reasoning-effort'] as const;
const REASONING_EFFORTS = ['low', 'medium', 'high'] as const;

/** Seconds above 0, fractions allowed (the request's time-limit fields). */
function parseSeconds(option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(value > 0))
    throw new UsageError(`${option} must be a number of seconds above 0, got '${raw}'`, 'submit');
  return value;
}

export interface SubmitArgs {
  mode: SolveMode;
  /** The question text, or 'stdin' to read it from standard input. */
  question: { text: string } | 'stdin';
  /** Request fields other than the question. */
  fields: Record<string, unknown>;
  sync: boolean;
  watch: boolean;
}

/** The command line of `submit` turned into the request body it sends (pure; stdin is read later). */
export function parseSubmitArgs(argv: string[]): SubmitArgs {
  const { values, positionals } = parseCommandArgs('submit', argv, options);
  if (values.question !== undefined && positionals.length > 0) {
    throw new UsageError('give the question either as an argument or with --question, not both', 'submit');
  }
  const raw = values.question ?? (positionals.length > 0 ? positionals.join(' ') : undefined);
  if (raw === undefined) {
    throw new UsageError('missing question (an argument, --question TEXT, or - to read it from stdin)', 'submit');
  }
  if (values.sync && values.watch)
    throw new UsageError('--sync and --watch do not go together: --sync already waits for the result', 'submit');
  const mode: SolveMode = values.enhanced ? 'enhanced' : 'basic';
  for (const option of ENHANCED_ONLY) {
    if (values[option] !== undefined && mode !== 'enhanced') {
      throw new UsageError(`--${option} needs --enhanced (basic jobs have no specialists or professor)`, 'submit');
    }
  }
  if (values.nested && values['no-nested']) throw new UsageError('--nested and --no-nested do not go together', 'submit');
  const effort = values['reasoning-effort'];
  if (effort !== undefined && !(REASONING_EFFORTS as readonly string[]).includes(effort)) {
    throw new UsageError(`--reasoning-effort must be one of ${REASONING_EFFORTS.join(', ')}, got '${effort}'`, 'submit');
  }
  if (values.provider !== undefined && !(PROVIDERS as readonly string[]).includes(values.provider)) {
    throw new UsageError(`--provider must be one of ${PROVIDERS.join(', ')}, got '${values.provider}'`, 'submit');
  }
  if (raw !== '-' && raw.trim() === '') throw new UsageError('the question is empty', 'submit');

  const fields: Record<string, unknown> = {};
  const iters = parseWholeNumber('submit', '--iters', values.iters);
  if (iters !== undefined) fields.n_iters = iters;
  const specialists = parseWholeNumber('submit', '--specialists', values.specialists);
  if (specialists !== undefined) fields.num_specialists = specialists;
  const specialistIters = parseWholeNumber('submit', '--specialist-iters', values['specialist-iters']);
  if (specialistIters !== undefined) fields.specialist_max_iters = specialistIters;
  const professorIters = parseWholeNumber('submit', '--professor-iters', values['professor-iters']);
  if (professorIters !== undefined) fields.professor_max_iters = professorIters;
  if (values.nested) fields.nested_self_evolve = true;
  if (values['no-nested']) fields.nested_self_evolve = false;
  if (effort !== undefined) fields.reasoning_effort = effort;
  const soft = parseSeconds('--soft-time-limit', values['soft-time-limit']);
  if (soft !== undefined) fields.soft_time_limit_s = soft;
  const hard = parseSeconds('--time-limit', values['time-limit']);
  if (hard !== undefined) fields.time_limit_s = hard;
  if (values.model !== undefined) fields.model_name = values.model;
  if (values.provider !== undefined) fields.llm_provider = values.provider;
  fields.async_mode = !values.sync;
  return { mode, question: raw === '-' ? 'stdin' : { text: raw }, fields, sync: values.sync === true, watch: values.watch === true };
}

export const submitCommand: Command = {
  name: 'submit',
  summary: 'submit a question to solve',
  usage: ['submit <question> [options]', 'submit --question TEXT [options]', 'submit - [options] < question.txt'],
  details: `Submits a basic job (rounds of generate → evaluate → refine) or, with --enhanced, an
enhanced one (a professor plans specialists that each self-evolve, then synthesises).

  -q, --question TEXT  the question (or give it as arguments; - reads it from stdin)
  --enhanced           an enhanced job instead of a basic one
  --iters N            rounds of self-evolve (n_iters)
  --specialists N      specialists of an enhanced job (num_specialists)
  --specialist-iters N rounds of each specialist's loop (specialist_max_iters; --enhanced)
  --professor-iters N  rounds of the professor's synthesis (professor_max_iters; --enhanced)
  --nested, --no-nested
                       specialists run their own self-evolve loop, or answer once
                       (nested_self_evolve; --enhanced)
  --reasoning-effort E low, medium or high (reasoning_effort; --enhanced)
  --model NAME         model to use (model_name)
  --provider P         ${PROVIDERS.join(' or ')} (llm_provider; the gateway's default otherwise)
  --soft-time-limit S  stop after S seconds of running with the best answer so far
                       (soft_time_limit_s; only lowers CRUX_SOFT_TIME_LIMIT_S)
  --time-limit S       kill the job after S seconds of running (time_limit_s; only
                       lowers CRUX_HARD_TIME_LIMIT_S)
  --sync               wait for the result in the request itself (async_mode false)
  -w, --watch          submit, then follow the job like \`crux watch\`
  --json               the gateway's answer as JSON (with --watch: one JSON line, then one per event)

Exit code 0 once submitted; with --sync or --watch, 0 if the job completed and 1 if it
failed or was cancelled.

Examples:
  crux submit "What is the sum of the first 100 odd numbers?" --watch
  crux submit --enhanced --specialists 3 - < problem.txt
  crux submit "Explain quicksort." --provider openai --model gpt-4o-mini --time-limit 600`,
  async run(context, argv) {
    const args = parseSubmitArgs(argv);
    const question = args.question === 'stdin' ? (await context.io.readStdin()).trim() : args.question.text;
    if (!question) throw new UsageError('the question read from stdin is empty', 'submit');
    const answer = await context.client().submit(args.mode, { question, ...args.fields }, args.sync);
    if (args.sync) return reportSyncAnswer(context, answer);

    const accepted = answer as SubmitAccepted;
    if (typeof accepted?.job_id !== 'string') {
      throw new CliError('the gateway accepted the job but sent no job_id', ExitCode.GatewayError);
    }
    if (context.json) printJson(context, accepted, args.watch);
    else if (args.watch) context.io.stderr.write(`submitted ${args.mode} job ${accepted.job_id}\n`);
    else {
      context.io.stdout.write(
        `submitted ${args.mode} job ${accepted.job_id} (${accepted.status})\n` +
          `  follow it:  crux watch ${accepted.job_id}\n` +
          `  see it:     crux status ${accepted.job_id}\n`,
      );
    }
    return args.watch ? watchJob(context, accepted.job_id) : ExitCode.Ok;
  },
};

/** A sync submit answers once the job ended: with the job (status, result, error) or the bare result. */
function reportSyncAnswer(context: CommandContext, answer: unknown): number {
  const record = (answer && typeof answer === 'object' ? answer : {}) as { status?: JobStatus; error?: unknown; job_id?: string };
  const unsuccessful = record.status === 'failed' || record.status === 'cancelled';
  if (context.json) {
    printJson(context, answer);
  } else if (unsuccessful) {
    const error = typeof record.error === 'string' && record.error ? `: ${record.error}` : '';
    const job = record.job_id ? `job ${record.job_id} ` : '';
    context.io.stdout.write(`${job}${record.status}${error}\n`);
  } else {
    const result = findResult(answer);
    context.io.stdout.write(result ? `${formatResultSummary(result)}\n` : `${JSON.stringify(answer, null, 2)}\n`);
  }
  return unsuccessful ? ExitCode.JobUnsuccessful : ExitCode.Ok;
}
