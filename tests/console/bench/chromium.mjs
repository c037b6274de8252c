/**
 * How the console's bench scripts start Debian's headless Chromium: the flags that work on
 * this kind of machine (no sandbox, no GPU, no background traffic), as the console's
 * Playwright tests use them (tests/console/src/support/browser.ts).
 */
import playwright from 'playwright-core';

const CHROMIUM = process.env.CRUX_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A persistent browser context on `profile` with a window of `viewport`.
 * @param {string} profile
 * @param {{ width: number, height: number }} viewport
 */
export function launchChromium(profile, viewport) {
  return playwright.chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
}
