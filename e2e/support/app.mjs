// Helpers for the app's browser tests: the core's own answers through the
// `handshake` CLI (the oracle the page must agree with), and page probes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** The CLI built by the test run (HANDSHAKE_BIN, set by `cargo xtask e2e`). */
export const HANDSHAKE_BIN = process.env.HANDSHAKE_BIN ?? 'handshake';

/** Runs the CLI; returns { status, stdout, stderr }. */
export function cli(args, input) {
  const run = spawnSync(HANDSHAKE_BIN, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.error) throw run.error;
  return run;
}

/** The core's JSON report of `text`. */
export function coreLint(text) {
  const run = cli(['lint', '-', '--format', 'json'], text);
  assert.ok(run.status === 0 || run.status === 1, `handshake lint failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** Every rule id the core reports for `text`, sorted, without repeats. */
export function coreRuleIds(text) {
  const report = coreLint(text);
  return [...new Set(report.exchanges.flatMap((e) => e.findings.map((f) => f.rule)))].sort();
}

/** Text as the page reads what was typed: LF line ends become CRLF when there is no CR. */
export function wire(text) {
  return text.includes('\r') || !text.includes('\n') ? text : text.replace(/\n/g, '\r\n');
}

/** The examples menu's entries: [{ id, title }]. */
export async function exampleOptions(page) {
  return page.getByLabel('Examples').locator('option').evaluateAll((options) =>
    options.filter((o) => o.value).map((o) => ({ id: o.value, title: o.textContent.trim() })),
  );
}

/** The rule ids shown in the Findings list, sorted, without repeats. */
export async function shownRuleIds(page) {
  const ids = await page.getByRole('list', { name: 'Findings' }).locator('.rule-id').allTextContents();
  return [...new Set(ids.map((s) => s.trim()))].sort();
}

/** Replaces the editor's text the way a paste does (one input event). */
export async function paste(page, text) {
  const editor = page.getByLabel('Captured handshake');
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Resolves when the status line says the capture was linted (after the debounce). */
export async function linted(page, timeout = 10000) {
  await page.locator('.status-line .detected, .status-line .error-note').first().waitFor({ timeout });
}

/** Fails if the page's layout has shifted (cumulative layout shift 0.01 or more, within half a second). */
export async function assertNoLayoutShift(page) {
  const shift = await page.evaluate(
    () =>
      new Promise((resolve) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(() => resolve(total), 500);
      }),
  );
  assert.ok(shift < 0.01, `cumulative layout shift ${shift}`);
}

/** Fails if the page scrolls sideways. */
export async function assertNoHorizontalScroll(page, what) {
  const [scroll, client] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  assert.ok(scroll <= client, `${what}: the page is ${scroll}px wide in a ${client}px viewport`);
}

/** Records every WebSocket the page opens. */
export function watchSockets(page) {
  const opened = [];
  page.on('websocket', (ws) => opened.push(ws.url()));
  return opened;
}

/** A HAR of about `mib` MiB: page loads padded with large headers, and one WebSocket entry. */
export function bigHar(mib) {
  const pad = 'x'.repeat(2000);
  const entries = [];
  const size = () => entries.length * 2300;
  while (size() < mib * 1024 * 1024) {
    entries.push({
      _resourceType: 'document',
      request: { method: 'GET', url: `https://example.com/${entries.length}`, httpVersion: 'HTTP/1.1', headers: [{ name: 'Cookie', value: pad }] },
      response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'Content-Type', value: 'text/html' }] },
    });
  }
  entries.push({
    _resourceType: 'websocket',
    request: {
      method: 'GET', url: 'wss://example.com/chat', httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Host', value: 'example.com' }, { name: 'Upgrade', value: 'websocket' },
        { name: 'Connection', value: 'Upgrade' }, { name: 'Origin', value: 'https://example.com' },
        { name: 'Sec-WebSocket-Version', value: '13' }, { name: 'Sec-WebSocket-Key', value: 'x3JJHMbDL1EzLkh9GBhXDw==' },
      ],
    },
    response: {
      status: 101, statusText: 'Switching Protocols', httpVersion: 'HTTP/1.1',
      headers: [{ name: 'Upgrade', value: 'websocket' }, { name: 'Connection', value: 'Upgrade' }, { name: 'Sec-WebSocket-Accept', value: 'xyz456==' }],
    },
  });
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } }, null, 1);
}
