// `cargo xtask bench`: how the released page copes with a 5 MiB HAR in headless
// Chromium. Prints figures and asserts none: time to findings, the longest
// main-thread task, and the same once the reader puts the file in the editor,
// with the time a key takes there; then the same HAR pasted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeBrowser, launchBrowser, waitForApp } from '../support/browser.mjs';
import { bigHar } from '../support/app.mjs';

const APP_URL = process.env.APP_URL ?? 'http://127.0.0.1:8080/';
const har = bigHar(5);
const mib = (har.length / 1048576).toFixed(1);
// From a file on disk, Chromium gets the file as a user's pick would give it; from
// a buffer, Playwright would first spend most of a second rebuilding it in the page.
const dir = mkdtempSync(join(tmpdir(), 'handshake-bench-'));
const file = join(dir, 'big.har');
writeFileSync(file, har);

const browser = await launchBrowser();
const context = await browser.newContext();
await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(APP_URL).origin });
const page = await context.newPage();
await page.goto(`${APP_URL}#/lint`);
await waitForApp(page);

// The longest task (> 50 ms) on the main thread since the last reset.
await page.evaluate(() => {
  window.__longest = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
  }).observe({ type: 'longtask' });
});
const longest = () => page.evaluate(() => { const l = window.__longest; window.__longest = 0; return Math.round(l); });

let started = Date.now();
await page.getByLabel('Open a capture file').setInputFiles(file);
await page.locator('.findings .finding').first().waitFor({ timeout: 60000 });
await page.waitForTimeout(300);
console.log(`${mib} MiB HAR, held out of the editor: findings after ${Date.now() - started} ms; longest main-thread task ${await longest()} ms`);

started = Date.now();
await page.getByRole('button', { name: 'Show it in the editor' }).click();
const editor = page.getByLabel('Captured handshake');
await editor.waitFor({ state: 'visible', timeout: 60000 });
await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
console.log(`${mib} MiB HAR, put in the editor on request: shown after ${Date.now() - started} ms; longest main-thread task ${await longest()} ms`);

await editor.focus();
await page.keyboard.press('ControlOrMeta+Home');
const keys = 5;
started = Date.now();
for (let i = 0; i < keys; i++) await page.keyboard.type(' ', { delay: 0 });
console.log(`typing in that editor: ${Math.round((Date.now() - started) / keys)} ms per key`);

// The same HAR pasted (Ctrl+V) into the emptied editor.
await page.getByLabel('Captured handshake').fill('');
await page.locator('.placeholder-panel').waitFor({ timeout: 60000 });
await page.evaluate((text) => navigator.clipboard.writeText(text), har);
await longest();
started = Date.now();
await page.keyboard.press('ControlOrMeta+V');
await page.locator('.findings .finding').first().waitFor({ timeout: 60000 });
await page.waitForTimeout(300);
console.log(`${mib} MiB HAR, pasted: findings after ${Date.now() - started} ms; longest main-thread task ${await longest()} ms`);

await closeBrowser();
rmSync(dir, { recursive: true, force: true });
