/**
 * Jobs in the console, live, in headless Chromium against the whole system: a job submitted
 * from the page runs to completion in the table and on its page without a reload; a running
 * job is cancelled from its page; a submitter never sees another submitter's job; and a job's
 * timeline survives the gateway going away mid-stream, with no gap and no repeat.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CruxSystem, TEST_KEYS } from '@crux/test-harness';
import type { Page } from 'playwright-core';
import { getJob, storedEvents, submitJob, waitForStatus } from './support/api.js';
import { launchBrowser, openConsole, pageProblems, signIn, type ConsoleBrowser } from './support/browser.js';

const { alice, bob } = TEST_KEYS;
/**
 * Questions the simulated reviewer never finds good enough (its verdict follows from the
 * prompt's hash): they run all their iterations, long enough to act on while they run.
 */
const LONG = 'keep running';
const ALSO_LONG = 'watch me run';

/** Marks the document, so a test can tell it was never reloaded. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { consoleTestMark: string }).consoleTestMark = 'still here'));
}

async function stillSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { consoleTestMark?: string }).consoleTestMark === 'still here');
}

describe('jobs in the console', () => {
  let system: CruxSystem;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    system = await CruxSystem.start({ env: { CRUX_WORKER_CONCURRENCY: '2', CRUX_SIMULATED_LATENCY_MS: '300' } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('a job submitted from the page moves through the table to completed, and its page shows the result, without a reload', async () => {
    const page = await openConsole(browser, system.url);
    await signIn(page, alice);
    await markDocument(page);
    await page.getByLabel('Question').fill('What is the sum of the first 100 odd numbers?');
    await page.getByLabel('Iterations').fill('2');
    await page.getByRole('button', { name: 'Submit job' }).click();
    const link = page.getByTestId('submitted').getByRole('link');
    const jobId = (await link.textContent())!;
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);

    const row = page.locator(`tr[data-job-id="${jobId}"]`);
    await row.waitFor();
    await page.locator(`tr[data-job-id="${jobId}"][data-status="completed"]`).waitFor({ timeout: 90_000 });
    await expect(row.getByRole('progressbar').getAttribute('value')).resolves.toBe('1');
    await expect(row.locator('td').nth(4).textContent()).resolves.toBe('alice');

    await link.click();
    await page.getByTestId('job-result').waitFor();
    await expect(page.getByTestId('job-status').textContent()).resolves.toBe('completed');
    await expect(page.getByTestId('job-result').textContent()).resolves.toContain('[simulated]');
    // The result comes with the job's fields; the timeline is replayed from the event stream
    // beside them, so it is read once that stream has ended.
    await page.locator('[data-testid="stream-state"][data-state="ended"]').waitFor();
    const types = await page
      .getByTestId('timeline')
      .locator('li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-type')));
    expect(types[0]).toBe('created');
    expect(types).toContain('started');
    expect(types.at(-1)).toBe('completed');
    expect(await stillSameDocument(page)).toBe(true);
    expect(pageProblems(page)).toEqual([]);
    await page.close();
  });

  it('cancels a running job from its page after a confirmation, and shows it cancelled', async () => {
    const jobId = await submitJob(system, alice, { question: LONG, n_iters: 50 });
    const page = await openConsole(browser, system.url, `#/jobs/${jobId}`);
    await signIn(page, alice);
    await page.locator('[data-testid="job-status"]', { hasText: 'running' }).waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="timeline"] li[data-type="progress"]').first().waitFor();

    await page.getByRole('button', { name: 'Cancel job…' }).click();
    // Asking is not cancelling: the job still runs until the confirmation.
    await expect(getJob(system, alice, jobId).then((j) => j.body.status)).resolves.toBe('running');
    await page.getByLabel('Reason (recorded in the trail)').fill('changed my mind');
    await page.getByRole('button', { name: 'Yes, cancel the job' }).click();

    await page.locator('[data-testid="job-status"]', { hasText: 'cancelled' }).waitFor();
    await page.locator('[data-testid="timeline"] li[data-type="cancel"]', { hasText: 'cancelled by alice: changed my mind' }).waitFor();
    await page.locator('[data-testid="stream-state"][data-state="ended"]').waitFor();
    await expect(page.getByRole('button', { name: 'Cancel job…' }).count()).resolves.toBe(0);
    await expect(getJob(system, alice, jobId).then((j) => j.body.status)).resolves.toBe('cancelled');
    await page.close();
  });

  it("never shows a submitter another submitter's job, in the table or at its address", async () => {
    const alicesJob = await submitJob(system, alice, { question: 'alice only', n_iters: 1 });
    const bobsJob = await submitJob(system, bob, { question: 'bob only', n_iters: 1 });
    await waitForStatus(system, alice, alicesJob, ['completed']);
    await waitForStatus(system, bob, bobsJob, ['completed']);

    const page = await openConsole(browser, system.url);
    await signIn(page, bob);
    await page.locator(`tr[data-job-id="${bobsJob}"]`).waitFor();
    await expect(page.locator(`tr[data-job-id="${alicesJob}"]`).count()).resolves.toBe(0);
    const owners = await page.getByTestId('jobs-table').locator('tbody tr td:nth-child(5)').allTextContents();
    expect(new Set(owners)).toEqual(new Set(['bob']));

    await page.evaluate((id) => (window.location.hash = `#/jobs/${id}`), alicesJob);
    await expect(page.getByTestId('job-missing').textContent()).resolves.toMatch(/^No such job/);
    await expect(page.getByText('alice only').count()).resolves.toBe(0);
    await page.close();
  });

  it("keeps a job's timeline whole when the connection drops: it resumes with Last-Event-ID, no gap, no repeat", async () => {
    const jobId = await submitJob(system, alice, { question: ALSO_LONG, n_iters: 40 });
    const page = await openConsole(browser, system.url, `#/jobs/${jobId}`);
    await signIn(page, alice);
    await markDocument(page);
    const progress = page.locator('[data-testid="timeline"] li[data-type="progress"]');
    await progress.nth(1).waitFor({ timeout: 60_000 });

    // The gateway goes away mid-stream: the page says it is reconnecting from the last event it has.
    await system.service('gateway-1').stop();
    await page.locator('[data-testid="stream-state"][data-state="reconnecting"]').waitFor();
    const beforeDrop = await page.getByTestId('timeline').locator('li').count();
    await system.restartService('gateway-1');

    // The job runs on meanwhile; the page resumes and follows it to its end.
    await page.locator('[data-testid="stream-state"][data-state="ended"]').waitFor({ timeout: 120_000 });
    const shown = await page
      .getByTestId('timeline')
      .locator('li')
      .evaluateAll((items) => items.map((li) => ({ seq: Number(li.getAttribute('data-seq')), type: li.getAttribute('data-type') })));
    expect(shown.length).toBeGreaterThan(beforeDrop);
    // Exactly the job's stream as the API has it, up to its terminal event: nothing missing, nothing twice.
    const stored = await storedEvents(system, alice, jobId);
    const end = stored.findIndex((e) => ['completed', 'failed', 'cancel'].includes(e.type));
    expect(end).toBeGreaterThan(0);
    expect(shown).toEqual(stored.slice(0, end + 1));
    expect(await stillSameDocument(page)).toBe(true);
    await page.close();
  });
});
