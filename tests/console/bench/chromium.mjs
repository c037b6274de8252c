/**
 * How the console's bench scripts start Debian's headless Chromium: the flags that work on
 * this kind of machine (no sandbox, no GPU, no background traffic), as the console's
 * Playwright tests use them (tests/console/src/support/browser.ts).
 */
import { readFileSync } from 'node:fs';
import playwright from 'playwright-core';

const CHROMIUM = process.env.CRUX_CHROMIUM ?? '/usr/bin/chromium';

/** @type {string[]} the same flags as the console's tests (chromium-flags.json) */
const FLAGS = JSON.parse(readFileSync(new URL('../chromium-flags.json', import.meta.url), 'utf8'));

/**
 * A persistent browser context on `profile` with a window of `viewport`.
 * @param {string} profile
 * @param {{ width: number, height: number }} viewport
 */
export function launchChromium(profile, viewport) {
  return playwright.chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
}
