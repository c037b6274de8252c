/**
 * The console per role, in headless Chromium against the whole system: who signs in sees
 * their name, role and only the pages their role may use; a wrong key is told so; every
 * page passes axe-core (no serious or critical problems) and fits a phone's width.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CruxSystem, TEST_KEYS } from '@crux/test-harness';
import type { Page } from 'playwright-core';
import {
  accessibilityProblems,
  fitsWidth,
  launchBrowser,
  NARROW,
  openConsole,
  pageProblems,
  signIn,
  WIDE,
  type ConsoleBrowser,
} from './support/browser.js';
import { submitJob, waitForStatus } from './support/api.js';

const { alice, ops, auditor } = TEST_KEYS;

describe('signing in to the console, per role', () => {
  let system: CruxSystem;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    system = await CruxSystem.start({ env: { CRUX_SIMULATED_LATENCY_MS: '5' } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it.each([
    ['alice (submitter)', alice, ['Jobs', 'System']],
    ['ops (operator)', ops, ['Jobs', 'Trail', 'Purge', 'System']],
    ['auditor (auditor)', auditor, ['Trail', 'System']],
  ] as const)('%s sees their name, role and exactly the pages of that role', async (_who, key, pages) => {
    const page = await openConsole(browser, system.url);
    await signIn(page, key);
    await expect(page.getByTestId('who').textContent()).resolves.toBe(`Signed in as ${key.name} (${key.role})`);
    const nav = page.getByRole('navigation', { name: 'Pages' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual(pages);
    // The key is in this tab's sessionStorage, never in the address or localStorage.
    expect(page.url()).not.toContain(key.secret);
    await expect(page.evaluate(() => JSON.stringify(localStorage))).resolves.not.toContain(key.secret);
    expect(pageProblems(page)).toEqual([]);
    await page.close();
  });

  it('says a wrong key is not recognised, and stays signed out', async () => {
    const page = await openConsole(browser, system.url);
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/That API key was not recognised \(API key not recognised\)/);
    await expect(page.getByTestId('who').count()).resolves.toBe(0);
    await page.close();
  });

  it('the auditor sees the trail and no purge controls, even at the purge address', async () => {
    const page = await openConsole(browser, system.url);
    await signIn(page, auditor);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Trail');
    await page.evaluate(() => (window.location.hash = '#/purge'));
    await page.getByRole('button', { name: 'Verify the chain' }).waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Trail');
    await expect(page.getByRole('button', { name: /Plan the purge|Confirm the purge/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Purge' }).count()).resolves.toBe(0);
    await page.close();
  });

  describe.each([
    ['wide', WIDE],
    ['phone-width', NARROW],
  ] as const)('every page, %s', (_name, viewport) => {
    let page: Page;
    let jobId: string;

    beforeAll(async () => {
      jobId = await submitJob(system, alice, { question: 'What is 2 + 2?', n_iters: 2 });
      await waitForStatus(system, alice, jobId, ['completed']);
      page = await openConsole(browser, system.url);
      await page.setViewportSize(viewport);
    });

    afterAll(async () => {
      await page?.close();
    });

    const check = async (what: string) => {
      expect({ what, problems: await accessibilityProblems(page) }).toEqual({ what, problems: [] });
      expect({ what, fits: await fitsWidth(page) }).toEqual({ what, fits: true });
      expect(pageProblems(page)).toEqual([]);
    };

    it('the sign-in page', async () => {
      await page.getByLabel('API key').waitFor();
      await check('sign-in');
      await signIn(page, ops);
    });

    it('the jobs page', async () => {
      await page.locator(`tr[data-job-id="${jobId}"]`).waitFor();
      await check('jobs');
    });

    it('a job page', async () => {
      await page.evaluate((id) => (window.location.hash = `#/jobs/${id}`), jobId);
      await page.getByTestId('job-result').waitFor();
      await page.locator('[data-testid="stream-state"][data-state="ended"]').waitFor();
      await check('job');
    });

    it('the trail page', async () => {
      await page.getByRole('link', { name: 'Trail' }).click();
      await page.getByTestId('trail-count').waitFor();
      await page.getByRole('button', { name: 'Verify the chain' }).click();
      await page.getByTestId('verdict').waitFor();
      await check('trail');
    });

    it('the purge page', async () => {
      await page.getByRole('link', { name: 'Purge' }).click();
      await page.getByRole('button', { name: 'Plan the purge' }).waitFor();
      await check('purge form');
      await page.getByLabel(/^Job ids/).fill(jobId);
      await page.getByRole('button', { name: 'Plan the purge' }).click();
      await page.getByTestId('plan').waitFor();
      await check('purge plan');
    });

    it('the system page', async () => {
      await page.getByRole('link', { name: 'System' }).click();
      await page.locator('[data-testid="ready-status"][data-ready="true"]').waitFor();
      await page.getByText('No rebuild is recorded').or(page.getByTestId('rebuild')).waitFor();
      await check('system');
    });
  });
});
