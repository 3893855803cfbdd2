// Captures made by a real browser, not written by hand, from a real WebSocket to
// the lab: a HAR recorded around it (playwright's recorder in Chromium), and the
// raw heads Chromium reports to DevTools (what its "view source" shows). Each is
// linted by the CLI and by the page, which must agree.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { APP_URL, LAB_URL, closeBrowser, launchBrowser, waitForApp } from './support/browser.mjs';
import { coreLint, coreRuleIds, shownRuleIds } from './support/app.mjs';

after(closeBrowser);

const T = { timeout: 10000 };

/**
 * Opens the app at `route` in a fresh context (with `contextOptions`), runs
 * `body({ page, context })` once it has mounted, and closes the context.
 */
async function withApp(route, body, contextOptions = {}) {
  const context = await (await launchBrowser()).newContext(contextOptions);
  try {
    const page = await context.newPage();
    await page.goto(`${APP_URL}${route}`);
    await waitForApp(page);
    return await body({ page, context });
  } finally {
    await context.close();
  }
}

/** Opens the linter, picks `text` as the file `name`, and runs `check(page)`. */
function inLinter(name, text, check) {
  return withApp('#/lint', async ({ page }) => {
    await page.getByLabel('Open a capture file').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
    await page.locator('.status-line').getByText(`File ${name}`).waitFor(T);
    await check(page);
  });
}

/** Records a HAR while the app page opens, echoes and closes one WebSocket. */
async function recordHar() {
  const dir = mkdtempSync(path.join(tmpdir(), 'handshake-har-'));
  const file = path.join(dir, 'session.har');
  try {
    // Closing the context (withApp does) writes the HAR.
    await withApp(
      '#/accept',
      async ({ page }) => {
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
      },
      { recordHar: { path: file } },
    );
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
    await inLinter('session.har', har, async (page) => {
      assert.equal((await page.locator('.status-line .format').textContent()).trim(), 'HAR file');
      assert.deepEqual(await shownRuleIds(page), coreRuleIds(har));
    });
  });
});

/**
 * Opens a WebSocket to the lab from the app page and returns the raw request and
 * response heads Chromium gives DevTools for it (Network.webSocketHandshakeResponseReceived).
 */
function devtoolsHeads() {
  return withApp('#/accept', async ({ page, context }) => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const handshake = new Promise((resolve) => cdp.on('Network.webSocketHandshakeResponseReceived', resolve));
    await page.evaluate((url) => {
      const ws = new WebSocket(url);
      ws.onopen = () => ws.close(1000);
    }, `${LAB_URL}/echo?id=devtools`);
    const { response } = await handshake;
    return { request: response.requestHeadersText, response: response.headersText };
  });
}

test("the raw heads Chromium shows in DevTools pass, with a note that the ws:// request line is DevTools' display", async () => {
  const heads = await devtoolsHeads();
  // DevTools shows the request line with the whole ws:// URL, where the browser
  // sent the path (RFC 6455 §4.1 allows only http/https absolute URIs): pasted
  // raw, that is one warning, req.target.ws-uri, and nothing else.
  assert.ok(
    heads.request?.startsWith(`GET ${LAB_URL}/echo?id=devtools HTTP/1.1\r\n`),
    `Chromium gave no raw request head: ${heads.request}`,
  );
  assert.match(heads.response ?? '', /^HTTP\/1\.1 101 Switching Protocols\r\n/, 'Chromium gave no raw response head');
  const pair = heads.request + heads.response;
  const report = coreLint(pair);
  assert.equal(report.format, 'raw');
  assert.equal(report.exchanges.length, 1);
  const [exchange] = report.exchanges;
  assert.equal(exchange.verdict.browser_accepts, true);
  assert.equal(exchange.verdict.server_accepts, true);
  assert.deepEqual(
    exchange.findings.map((f) => `${f.rule} ${f.severity}`),
    ['req.target.ws-uri warning'],
    "a real Chromium handshake has no findings but the note on DevTools' request line",
  );
  // The response alone (a tester who copied only that) still gets a verdict.
  const alone = coreLint(heads.response);
  assert.equal(alone.exchanges.length, 1);
  assert.equal(alone.exchanges[0].response.status, 101);

  await inLinter('devtools.txt', pair, async (page) => {
    assert.deepEqual(await shownRuleIds(page), ['req.target.ws-uri']);
    await page.getByRole('region', { name: 'Verdict' }).getByText(/browser/i).first().waitFor(T);
  });
});
