/**
 * The deletion paths in the console, in headless Chromium against the whole system: an
 * operator plans a purge, sees the plan as the CLI shows it, cannot confirm until the count
 * is typed, watches it run to the end; the jobs then answer as deleted with who and why, one
 * is restored from its page, the chain verifies, and the auditor sees all of it in the trail.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CruxSystem, TEST_KEYS } from '@crux/test-harness';
import type { Page } from 'playwright-core';
import { getJob, submitJob, waitForStatus } from './support/api.js';
import { launchBrowser, openConsole, pageProblems, signIn, type ConsoleBrowser } from './support/browser.js';

const { alice, ops, auditor } = TEST_KEYS;

describe('purge, restore and the trail in the console', () => {
  let system: CruxSystem;
  let browser: ConsoleBrowser;
  let page: Page;
  const jobs: string[] = [];

  beforeAll(async () => {
    system = await CruxSystem.start({ env: { CRUX_SIMULATED_LATENCY_MS: '5' } });
    browser = await launchBrowser();
    for (const question of ['first to go', 'second to go', 'third to go'])
      jobs.push(await submitJob(system, alice, { question, n_iters: 1 }));
    for (const id of jobs) await waitForStatus(system, alice, id, ['completed']);
    page = await openConsole(browser, system.url, '#/purge');
    await signIn(page, ops);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('plans a purge and shows the plan as the CLI does, confirm disabled until the count is typed', async () => {
    await page.getByLabel(/^Job ids/).fill(jobs.join('\n'));
    await page.getByLabel(/^Reason/).fill('console purge test');
    await page.getByRole('button', { name: 'Plan the purge' }).click();

    const plan = page.getByTestId('plan');
    await plan.waitFor();
    const rows = await plan
      .locator('.plan-row')
      .evaluateAll((items) => items.map((row) => [row.querySelector('dt')!.textContent, row.querySelector('dd')!.textContent]));
    expect(rows[0]).toEqual(['jobs', '3 (among 3 listed ids; jobs on hold are never included)']);
    expect(rows[1][1]).toMatch(/^delete: each job is archived first/);
    expect(rows[2]).toEqual(['reason', 'console purge test']);
    expect(
      rows
        .slice(3, 6)
        .map(([, id]) => id)
        .sort(),
    ).toEqual([...jobs].sort());
    expect(rows.at(-1)![0]).toBe('expires');
    expect(rows.at(-1)![1]).toMatch(/UTC \(in \d+m( \d+s)?\): confirm before then$/);

    const confirm = page.getByRole('button', { name: 'Confirm the purge' });
    const typed = page.getByLabel(/^Type the number of jobs shown above, 3/);
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await typed.fill('y');
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await typed.fill('2');
    await expect(confirm.isDisabled()).resolves.toBe(true);
    // Nothing was deleted by planning or by a wrong count.
    for (const id of jobs) await expect(getJob(system, ops, id).then((j) => j.status)).resolves.toBe(200);
    await typed.fill('3');
    await expect(confirm.isEnabled()).resolves.toBe(true);
  });

  it('confirms, follows the progress to the end, and the jobs answer as deleted by the operator, reason purge', async () => {
    await page.getByRole('button', { name: 'Confirm the purge' }).click();
    await page.locator('[data-testid="purge-line"][data-status="completed"]').waitFor();
    await expect(page.getByRole('progressbar', { name: 'purge progress' }).getAttribute('value')).resolves.toBe('1');
    await expect(page.getByTestId('purge-line').textContent()).resolves.toBe('completed · 3 of 3 · 3 deleted · 0 skipped · 0 failed');
    await expect(page.getByTestId('purge-summary').textContent()).resolves.toContain(
      'purge completed: 3 deleted, 0 skipped (on hold or already gone), 0 failed',
    );
    for (const id of jobs) {
      const answer = await getJob(system, ops, id);
      expect(answer.status).toBe(410);
      expect(answer.body.reason).toBe('purge');
      expect(answer.body.actor?.id).toBe('ops');
    }
    expect(pageProblems(page)).toEqual([]);
  });

  it("shows a deleted job's when, why and by whom on its page, and restores it", async () => {
    await page.evaluate((id) => (window.location.hash = `#/jobs/${id}`), jobs[0]);
    await page.getByTestId('job-deleted').waitFor();
    await expect(page.getByTestId('deletion').textContent()).resolves.toMatch(
      /^Deleted \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by ops: an operator's purge$/,
    );
    await expect(page.getByTestId('deletion-actor').textContent()).resolves.toBe('ops');

    await page.getByRole('button', { name: 'Restore from the archive' }).click();
    await page.locator('[data-testid="job-status"]', { hasText: 'completed' }).waitFor();
    await page.getByTestId('job-result').waitFor();
    await expect(getJob(system, ops, jobs[0]).then((j) => j.status)).resolves.toBe(200);
    await expect(getJob(system, ops, jobs[1]).then((j) => j.status)).resolves.toBe(410);
  });

  it('verifies the hash chain, records checked, with every step in the trail', async () => {
    await page.getByRole('link', { name: 'Trail' }).click();
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const verdict = page.locator('[data-testid="verdict"][data-ok="true"]');
    await verdict.waitFor();
    // purge_planned, purge_confirmed, three deletions and one restore at least.
    const checked = Number(/(\d+) records checked/.exec((await verdict.textContent())!)![1]);
    expect(checked).toBeGreaterThanOrEqual(6);
    for (const action of ['purge_planned', 'purge_confirmed', 'restored'])
      await page.locator(`[data-testid="trail-table"] tr[data-action="${action}"]`).first().waitFor();
    await expect(page.locator(`[data-testid="trail-table"] tr[data-action="deleted"][data-actor="ops"]`).count()).resolves.toBe(3);
  });

  it('the auditor sees the purge in the trail, filters it, and has no purge controls', async () => {
    const auditorPage = await openConsole(browser, system.url);
    await signIn(auditorPage, auditor);
    await auditorPage.getByTestId('trail-table').waitFor();
    await auditorPage.getByLabel('Job').fill(jobs[1]);
    await auditorPage.getByRole('button', { name: 'Apply' }).click();
    const rows = auditorPage.getByTestId('trail-table').locator('tbody tr');
    // The unfiltered table already shows this job's deletion: wait for the filtered one, whose rows are all this job's.
    await auditorPage.waitForFunction((jobId) => {
      const shown = [...document.querySelectorAll('[data-testid="trail-table"] tbody tr')];
      return shown.length > 0 && shown.every((tr) => tr.getAttribute('data-job-id') === jobId);
    }, jobs[1]);
    await auditorPage.locator(`[data-testid="trail-table"] tr[data-action="deleted"][data-job-id="${jobs[1]}"]`).waitFor();
    await expect(rows.evaluateAll((items) => items.map((tr) => tr.getAttribute('data-job-id')))).resolves.toEqual([jobs[1]]);
    await expect(auditorPage.getByRole('button', { name: /Plan the purge|Confirm the purge|Restore/ }).count()).resolves.toBe(0);
    await expect(auditorPage.getByRole('link', { name: 'Purge' }).count()).resolves.toBe(0);
    await auditorPage.close();
  });

  it('follows new trail records live: a cancel appears without a reload', async () => {
    const auditorPage = await openConsole(browser, system.url);
    await signIn(auditorPage, auditor);
    await auditorPage.getByTestId('trail-table').waitFor();
    const id = await submitJob(system, alice, { question: 'keep running', n_iters: 40 });
    await waitForStatus(system, alice, id, ['running']);
    const cancel = await system.request(`/api/v1/jobs/${id}`, alice, { method: 'DELETE', body: JSON.stringify({ reason: 'seen live' }) });
    expect(cancel.status).toBe(202);
    await auditorPage.locator(`[data-testid="trail-table"] tr[data-action="cancel"][data-job-id="${id}"]`).waitFor();
    await auditorPage.close();
  });
});
