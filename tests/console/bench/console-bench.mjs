#!/usr/bin/env node
/**
 * `npx nx run console-e2e:bench`: the ops console's figures, printed, never asserted.
 *
 * - bundle: the size of each built asset (apps/console/dist/assets), raw, gzip and brotli;
 * - time to a populated jobs table: from navigation (page.goto of /console#/jobs, signed in)
 *   until the table shows every job of the first page, in headless Chromium against the
 *   whole system (built services): once from the sign-in click, then page loads with the
 *   assets cached (their names carry content hashes, so the gateway lets the browser keep them).
 *
 * BENCH_CONSOLE_JOBS (default 20) jobs are in the table; BENCH_CONSOLE_LOADS (default 15) warm loads.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { launchChromium } from './chromium.mjs';
import { CruxSystem, TEST_KEYS, waitFor } from '@crux/test-harness';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const JOBS = Number(process.env.BENCH_CONSOLE_JOBS ?? 20);
const LOADS = Number(process.env.BENCH_CONSOLE_LOADS ?? 15);

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function bundle() {
  const dir = join(root, 'apps', 'console', 'dist', 'assets');
  const rows = readdirSync(dir).map((name) => {
    const data = readFileSync(join(dir, name));
    return { name, raw: data.length, gzip: gzipSync(data, { level: 9 }).length, brotli: brotliCompressSync(data).length };
  });
  const html = readFileSync(join(root, 'apps', 'console', 'dist', 'index.html'));
  rows.push({ name: 'index.html', raw: html.length, gzip: gzipSync(html, { level: 9 }).length, brotli: brotliCompressSync(html).length });
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), {
    raw: 0,
    gzip: 0,
    brotli: 0,
  });
  console.log('\nconsole bundle (apps/console/dist)');
  console.log(`  ${'file'.padEnd(28)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)} ${'brotli'.padStart(10)}`);
  for (const r of [...rows, { name: 'total', ...total }])
    console.log(`  ${r.name.padEnd(28)} ${kb(r.raw).padStart(10)} ${kb(r.gzip).padStart(10)} ${kb(r.brotli).padStart(10)}`);
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { min: sorted[0], median: at(0.5), p90: at(0.9), max: sorted.at(-1) };
}

async function tableTimes() {
  const system = await CruxSystem.start({ env: { CRUX_SIMULATED_LATENCY_MS: '5' } });
  const profile = mkdtempSync(join(tmpdir(), 'crux-bench-chromium-'));
  let context;
  try {
    const { alice } = TEST_KEYS;
    const ids = [];
    for (let i = 0; i < JOBS; i++) {
      const response = await system.request('/api/v1/solve/basic', alice, {
        method: 'POST',
        body: JSON.stringify({ question: `bench ${i}`, n_iters: 1 }),
      });
      ids.push((await response.json()).job_id);
    }
    await waitFor(
      async () => {
        const page = await (await system.request(`/api/v1/jobs?status=completed&limit=100`, alice)).json();
        return page.jobs.length >= JOBS;
      },
      { what: `${JOBS} jobs to complete`, timeoutMs: 120_000, intervalMs: 200 },
    );
    context = await launchChromium(profile, { width: 1280, height: 900 });
    const page = await context.newPage();
    const url = `${system.url}/console#/jobs`;
    const rows = page.locator('[data-testid="jobs-table"] tbody tr');
    const expected = Math.min(JOBS, 20);
    const load = async () => {
      const start = performance.now();
      await page.goto(url);
      await rows.nth(expected - 1).waitFor({ timeout: 60_000 });
      return performance.now() - start;
    };
    // Sign in once: the key stays in the tab's sessionStorage across the loads.
    await page.goto(url);
    await page.getByLabel('API key').fill(alice.secret);
    const cold = await (async () => {
      const start = performance.now();
      await page.getByRole('button', { name: 'Sign in' }).click();
      await rows.nth(expected - 1).waitFor({ timeout: 60_000 });
      return performance.now() - start;
    })();
    const warm = [];
    for (let i = 0; i < LOADS; i++) warm.push(await load());
    const s = stats(warm);
    console.log(`\ntime to a populated jobs table (${expected} rows; headless Chromium, whole system on this machine)`);
    console.log(`  sign-in click → table (first time)                   ${cold.toFixed(0)} ms`);
    console.log(
      `  navigation → table, ${LOADS} loads (assets cached)   min ${s.min.toFixed(0)} · median ${s.median.toFixed(0)} · p90 ${s.p90.toFixed(0)} · max ${s.max.toFixed(0)} ms`,
    );
  } finally {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    await system.stop();
  }
}

bundle();
await tableTimes();
