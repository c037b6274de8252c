#!/usr/bin/env node
/**
 * Takes the README's screenshot of the ops console (docs/console-jobs.png): an operator's
 * jobs table with jobs completed, running and cancelled, in headless Chromium against the
 * whole system (built services). `node tests/console/bench/screenshot.mjs` after a build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { CruxSystem, TEST_KEYS, waitFor } from '@crux/test-harness';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { alice, bob, ops } = TEST_KEYS;
const system = await CruxSystem.start({ env: { CRUX_SIMULATED_LATENCY_MS: '400', CRUX_WORKER_CONCURRENCY: '3' } });
const profile = mkdtempSync(join(tmpdir(), 'crux-shot-'));
let context;
try {
  const submit = async (key, question, n_iters) => {
    const response = await system.request('/api/v1/solve/basic', key, { method: 'POST', body: JSON.stringify({ question, n_iters }) });
    return (await response.json()).job_id;
  };
  const status = async (id) => (await (await system.request(`/api/v1/jobs/${id}`, ops)).json()).status;
  const done = [
    await submit(alice, 'What is the sum of the first 100 odd numbers?', 2),
    await submit(bob, 'Prove that there are infinitely many primes.', 2),
  ];
  await waitFor(async () => (await Promise.all(done.map(status))).every((s) => s === 'completed'), {
    what: 'the first jobs',
    timeoutMs: 120_000,
  });
  const cancelled = await submit(bob, 'cancel me', 50);
  await waitFor(async () => (await status(cancelled)) === 'running', { what: 'a running job', timeoutMs: 60_000 });
  await system.request(`/api/v1/jobs/${cancelled}`, bob, { method: 'DELETE', body: JSON.stringify({ reason: 'not needed' }) });
  const running = [await submit(alice, 'keep running', 50), await submit(bob, 'watch me run', 50)];
  await waitFor(async () => (await Promise.all(running.map(status))).every((s) => s === 'running'), {
    what: 'the running jobs',
    timeoutMs: 60_000,
  });
  await submit(alice, 'an endless question', 50);

  context = await launchChromium(profile, { width: 1200, height: 760 });
  const page = await context.newPage();
  await page.goto(`${system.url}/console#/jobs`);
  await page.getByLabel('API key').fill(ops.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-testid="jobs-table"] tbody tr').nth(5).waitFor();
  await page.locator('[data-testid="jobs-table"] tr[data-status="running"] progress:not([value="0"])').first().waitFor();
  await page.getByLabel('Question').fill('How many ways can 8 queens be placed on a chessboard?');
  await page.screenshot({ path: join(root, 'docs', 'console-jobs.png'), fullPage: true });
  console.log('wrote docs/console-jobs.png');
} finally {
  await context?.close().catch(() => undefined);
  rmSync(profile, { recursive: true, force: true });
  await system.stop();
}
