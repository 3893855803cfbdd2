// A HAR recorded by a real browser, not written by hand: Chromium (through
// playwright's HAR recorder) loads the app and opens a WebSocket to the lab; the
// recording is linted by the CLI and by the page, which must agree.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { APP_URL, LAB_URL, closeBrowser, launchBrowser, waitForApp } from './support/browser.mjs';
import { coreLint, coreRuleIds, shownRuleIds } from './support/app.mjs';

after(closeBrowser);

const T = { timeout: 10000 };

/** Records a HAR while the app page opens, echoes and closes one WebSocket. */
async function recordHar() {
  const dir = mkdtempSync(path.join(tmpdir(), 'handshake-har-'));
  const file = path.join(dir, 'session.har');
  try {
    const browser = await launchBrowser();
    const context = await browser.newContext({ recordHar: { path: file } });
    const page = await context.newPage();
    await page.goto(`${APP_URL}#/accept`);
    await waitForApp(page);
    const echoed = await page.evaluate(
      (url) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url);
          ws.onopen = () => ws.send('recorded');
          ws.onmessage = (e) => {
            ws.close(1000);
            resolve(e.data);
          };
          ws.onerror = () => reject(new Error(`WebSocket to ${url} failed`));
        }),
      `${LAB_URL}/echo?id=har`,
    );
    assert.equal(echoed, 'recorded');
    await context.close(); // writes the HAR
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("Chromium's recorded HAR: the WebSocket entry lints clean, the page's own requests are skipped", async (t) => {
  const har = await recordHar();
  const report = coreLint(har);
  assert.equal(report.format, 'har');
  assert.ok(report.skipped > 0, 'the page, its script and wasm are not WebSocket entries');
  assert.equal(report.exchanges.length, 1, JSON.stringify(report.exchanges.map((e) => e.request?.target)));
  const [exchange] = report.exchanges;
  // A HAR keeps the URL, not the request line: the target is the whole URL.
  assert.equal(exchange.request.target, `${LAB_URL}/echo?id=har`);
  assert.equal(exchange.response.status, 101);
  assert.equal(exchange.verdict.browser_accepts, true);
  assert.deepEqual(
    exchange.findings.filter((f) => f.severity === 'error').map((f) => f.rule),
    [],
    'a handshake Chromium completed has no errors',
  );
  t.diagnostic(`findings: ${exchange.findings.map((f) => `${f.severity} ${f.rule}`).join(', ') || 'none'}`);

  await t.test('the page shows what the CLI found', async () => {
    const browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${APP_URL}#/lint`);
      await waitForApp(page);
      await page.getByLabel('Open a capture file').setInputFiles({
        name: 'session.har',
        mimeType: 'application/json',
        buffer: Buffer.from(har),
      });
      await page.locator('.status-line').getByText('File session.har').waitFor(T);
      assert.equal((await page.locator('.status-line .format').textContent()).trim(), 'HAR file');
      assert.deepEqual(await shownRuleIds(page), coreRuleIds(har));
    } finally {
      await context.close();
    }
  });
});
