/**
 * `crux continue` and the request options of `crux submit`, against the fake gateway over
 * real HTTP: what reaches the request, what is printed, and the exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@crux/test-harness';
import { run } from '../src/cli.js';
import { parseContinueArgs } from '../src/commands/continue.js';
import { parseSubmitArgs } from '../src/commands/submit.js';
import { ExitCode } from '../src/exit-codes.js';
import { FakeGateway } from './support/fake-gateway.js';
import { fakeIo } from './support/fake-io.js';
import { RESULT } from './support/jobs.js';

describe('submit request options', () => {
  it('puts the enhanced, provider, model and time-limit options into the request', () => {
    const args = parseSubmitArgs([
      'q',
      '--enhanced',
      '--specialists',
      '2',
      '--specialist-iters',
      '3',
      '--professor-iters',
      '2',
      '--no-nested',
      '--reasoning-effort',
      'high',
      '--provider',
      'openai',
      '--model',
      'gpt-4o-mini',
      '--soft-time-limit',
      '30',
      '--time-limit',
      '90.5',
    ]);
    expect(args.fields).toEqual({
      num_specialists: 2,
      specialist_max_iters: 3,
      professor_max_iters: 2,
      nested_self_evolve: false,
      reasoning_effort: 'high',
      llm_provider: 'openai',
      model_name: 'gpt-4o-mini',
      soft_time_limit_s: 30,
      time_limit_s: 90.5,
      async_mode: true,
    });
    expect(parseSubmitArgs(['q', '--enhanced', '--nested']).fields.nested_self_evolve).toBe(true);
  });

  it.each([
    [['q', '--professor-iters', '2'], '--professor-iters needs --enhanced (basic jobs have no specialists or professor)'],
    [['q', '--reasoning-effort', 'high'], '--reasoning-effort needs --enhanced (basic jobs have no specialists or professor)'],
    [['q', '--enhanced', '--reasoning-effort', 'extreme'], "--reasoning-effort must be one of low, medium, high, got 'extreme'"],
    [['q', '--enhanced', '--nested', '--no-nested'], '--nested and --no-nested do not go together'],
    [['q', '--time-limit', '0'], "--time-limit must be a number of seconds above 0, got '0'"],
    [['q', '--soft-time-limit', 'soon'], "--soft-time-limit must be a number of seconds above 0, got 'soon'"],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseSubmitArgs(argv)).toThrow(message);
  });
});

describe('continue arguments', () => {
  it('reads the job id and --iters', () => {
    expect(parseContinueArgs(['job-1', '--iters', '2', '--watch'])).toEqual({ jobId: 'job-1', iters: 2, sync: false, watch: true });
  });

  it.each([
    [['job-1'], 'missing --iters N: how many more iterations to run'],
    [['--iters', '2'], 'missing job id'],
    [['job-1', '--iters', '0'], "--iters must be a whole number 1 or more, got '0'"],
    [['job-1', '--iters', '2', '--sync', '--watch'], '--sync and --watch do not go together'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseContinueArgs(argv)).toThrow(message);
  });
});

describe('crux continue against a real HTTP server', () => {
  const gateway = new FakeGateway();
  let env: Record<string, string>;

  beforeAll(async () => {
    await gateway.start();
    env = { CRUX_URL: gateway.url, CRUX_API_KEY: 'sub-key', CRUX_POLL_MS: '20' };
  });
  afterAll(() => gateway.close());

  const finishedJobOf = (owner: string) => {
    const job = gateway.addJob({ owner, request: { question: 'Explain quicksort.', n_iters: 1 } });
    gateway.runJob(job.job_id);
    return job;
  };
  const finishedJob = () => finishedJobOf('dev-submitter');

  it('continues a job, calling the route with additional_iterations, and says how to follow the new one', async () => {
    const origin = finishedJob();
    const io = fakeIo({ env });
    expect(await run(['continue', origin.job_id, '--iters', '2'], io)).toBe(ExitCode.Ok);
    const request = gateway.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/api/v1/solve/continue/${origin.job_id}`);
    expect(request.query.get('additional_iterations')).toBe('2');
    const created = [...gateway.jobs.values()].at(-1)!;
    expect(created.continued_from).toBe(origin.job_id);
    expect(io.out()).toBe(
      `continued job ${origin.job_id} as job ${created.job_id} (2 more iterations, pending)\n` +
        `  follow it:  crux watch ${created.job_id}\n  see it:     crux status ${created.job_id}\n`,
    );
  });

  it('prints the answer as JSON with --json', async () => {
    const origin = finishedJob();
    const io = fakeIo({ env });
    expect(await run(['continue', origin.job_id, '--iters', '1', '--json'], io)).toBe(ExitCode.Ok);
    expect(JSON.parse(io.out())).toMatchObject({ status: 'pending', continued_from: origin.job_id, job_id: expect.any(String) });
  });

  it('waits for the new job with --sync and shows its result, exit 0', async () => {
    const origin = finishedJob();
    const io = fakeIo({ env });
    const exit = run(['continue', origin.job_id, '--iters', '2', '--sync'], io);
    const created = await waitFor(() => [...gateway.jobs.values()].find((job) => job.continued_from === origin.job_id), {
      what: 'the continued job',
    });
    gateway.runJob(created.job_id);
    expect(await exit).toBe(ExitCode.Ok);
    expect(io.out()).toContain(`job ${created.job_id} (continued from ${origin.job_id})`);
    expect(io.out()).toContain(RESULT.output);
  });

  it('follows the new job with --watch, exit 1 when it fails', async () => {
    const origin = finishedJob();
    const io = fakeIo({ env });
    const exit = run(['continue', origin.job_id, '--iters', '2', '--watch'], io);
    const created = await waitFor(
      () => {
        const job = [...gateway.jobs.values()].find((j) => j.continued_from === origin.job_id);
        return job && gateway.streamConnections.get(job.job_id) === 1 ? job : undefined;
      },
      { what: 'the watch to connect' },
    );
    gateway.runJob(created.job_id, 'failed');
    expect(await exit).toBe(ExitCode.JobUnsuccessful);
    expect(io.err()).toContain(`continued job ${origin.job_id} as job ${created.job_id}\n`);
  });

  it("shows the gateway's 409 as one line, exit 6, and a 404 with exit 5", async () => {
    const pending = gateway.addJob({ owner: 'dev-submitter' });
    const io = fakeIo({ env });
    expect(await run(['continue', pending.job_id, '--iters', '2'], io)).toBe(ExitCode.Refused);
    expect(io.err()).toBe(
      `crux: 409 Conflict — job ${pending.job_id} cannot be continued: it is pending; only a completed job can be continued\n`,
    );

    const others = finishedJobOf('alice');
    const missing = fakeIo({ env });
    expect(await run(['continue', others.job_id, '--iters', '2'], missing)).toBe(ExitCode.NotFound);
    expect(missing.err()).toBe(`crux: 404 Not Found — job ${others.job_id} not found\n`);
  });

  it('lists continue and the new submit options in --help', async () => {
    const help = fakeIo({ env });
    expect(await run(['continue', '--help'], help)).toBe(ExitCode.Ok);
    expect(help.out()).toContain('crux continue <job-id> --iters N [--sync | --watch] [--json]');
    const submit = fakeIo({ env });
    expect(await run(['submit', '--help'], submit)).toBe(ExitCode.Ok);
    for (const option of [
      '--provider P',
      '--model NAME',
      '--reasoning-effort E',
      '--specialist-iters N',
      '--professor-iters N',
      '--nested',
      '--soft-time-limit S',
      '--time-limit S',
    ]) {
      expect(submit.out()).toContain(option);
    }
    const list = fakeIo({ env });
    expect(await run(['help'], list)).toBe(ExitCode.Ok);
    expect(list.out()).toMatch(/continue\s+continue a completed, unconverged basic job as a new job/);
  });
});
