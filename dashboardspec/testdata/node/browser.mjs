// Opens a dashboard page in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core), waits until every chart container holds an
// SVG or a canvas, collects console errors and page errors, and saves a
// full-page screenshot and one of the first screen (NAME-top.png).
//
//   node browser.mjs URL screenshot.png [chromium path]
//
// Prints one JSON line: {charts, rendered, missing, consoleErrors, pageErrors, failedRequests}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, screenshot, executablePath = '/usr/bin/chromium'] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'hpi-chromium-'));
// A fresh profile directory each run (playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const out = { charts: 0, rendered: 0, missing: [], consoleErrors: [], pageErrors: [], failedRequests: [] };
try {
  const page = await browser.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') out.consoleErrors.push(`${msg.text()} (${msg.location().url || url})`); });
  page.on('pageerror', (err) => out.pageErrors.push(String(err)));
  page.on('requestfailed', (req) => out.failedRequests.push(req.url()));
  await page.goto(url, { waitUntil: 'load' });
  out.charts = await page.locator('.vis').count();
  try {
    await page.waitForFunction(() => [...document.querySelectorAll('.vis')].every((el) => el.querySelector('svg, canvas')), null, { timeout: 30000 });
  } catch (err) {
    out.timeout = String(err);
  }
  const status = await page.evaluate(() => [...document.querySelectorAll('.vis')].map((el) => ({ id: el.id, ok: !!el.querySelector('svg, canvas') })));
  out.rendered = status.filter((s) => s.ok).length;
  out.missing = status.filter((s) => !s.ok).map((s) => s.id);
  await page.screenshot({ path: screenshot, fullPage: true });
  // The first screen alone, small enough for documentation (docs/).
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-top.png'), fullPage: false });
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(out) + '\n');
process.exitCode = out.missing.length || out.consoleErrors.length || out.pageErrors.length ? 1 : 0;
