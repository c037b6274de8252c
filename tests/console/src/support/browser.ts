/**
 * Headless Chromium for the console's tests: Debian's `chromium` driven by playwright-core
 * (no browser download), with a fresh profile per launch and the flags that keep it from
 * calling out to the network on a machine that has none.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import playwright from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import type { TestKey } from '@crux/test-harness';

export const CHROMIUM = process.env.CRUX_CHROMIUM ?? '/usr/bin/chromium';

/**
 * No sandbox, no GPU, and no background traffic: without those last flags Debian's Chromium
 * stalls on refused connections. One list (chromium-flags.json) for the tests and the bench scripts.
 */
const FLAGS: string[] = JSON.parse(readFileSync(new URL('../../chromium-flags.json', import.meta.url), 'utf8'));

/** A desktop window, and a phone's width (the console must work on both). */
export const WIDE = { width: 1280, height: 900 };
export const NARROW = { width: 375, height: 812 };

export interface ConsoleBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh user-data dir: launchPersistentContext is how Playwright takes one. */
export async function launchBrowser(viewport = WIDE): Promise<ConsoleBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'crux-chromium-'));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
    timeout: 60_000,
  });
  context.setDefaultTimeout(30_000);
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A new tab (its own sessionStorage) at the console of `baseUrl`. */
export async function openConsole(browser: ConsoleBrowser, baseUrl: string, hash = ''): Promise<Page> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A Content-Security-Policy refusal shows here: the console must never need one lifted.
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) problems.push(message.text());
  });
  (page as Page & { problems: string[] }).problems = problems;
  await page.goto(`${baseUrl}/console${hash}`);
  return page;
}

/** Errors the page raised: uncaught exceptions and CSP refusals. */
export function pageProblems(page: Page): string[] {
  return (page as Page & { problems?: string[] }).problems ?? [];
}

/** Signs in with `key` and waits for the header to name it. */
export async function signIn(page: Page, key: TestKey): Promise<void> {
  await page.getByLabel('API key').fill(key.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').filter({ hasText: key.name }).waitFor();
}

/** Serious or critical accessibility problems axe-core finds on the page as it is now. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact}: ${v.id} — ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')})`,
    );
}

/** True when the page is no wider than its window: nothing forces sideways scrolling of the whole page. */
export async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}
