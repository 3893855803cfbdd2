// The core's "would a browser accept this response?" held to a real browser:
// Chromium opens a WebSocket to each lab route, good and broken on purpose; the
// lab's record of that very handshake (request and response bytes) is linted by
// the CLI, and the verdict must be what Chromium did.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { APP_URL, LAB_URL, closeBrowser, launchBrowser, waitForApp } from './support/browser.mjs';
import { coreLint } from './support/app.mjs';

after(closeBrowser);

const LAB_HTTP = LAB_URL.replace(/^ws/, 'http');

/** Each case: a lab route, the subprotocols the page offers, and why it is here. */
const CASES = [
  ['/echo', [], 'a correct 101'],
  ['/echo', ['chat'], 'a subprotocol offered, none selected (res.protocol.missing)'],
  ['/subprotocol', ['chat', 'superchat'], 'the first offered subprotocol selected'],
  ['/bad/accept', [], 'an accept for another key'],
  ['/bad/upgrade', [], 'Upgrade: h2c in the 101'],
  ['/bad/connection', [], 'Connection: keep-alive in the 101'],
  ['/bad/protocol', [], 'a subprotocol selected that was never offered'],
  ['/bad/protocol', ['chat'], 'a subprotocol selected other than the one offered'],
  ['/reject/403', [], 'a refusal'],
];

let page;
async function appPage() {
  if (!page) {
    const browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    await page.goto(`${APP_URL}#/accept`);
    await waitForApp(page);
  }
  return page;
}

for (const [route, protocols, why] of CASES) {
  test(`${route} ${JSON.stringify(protocols)} (${why}): the core's browser verdict is what Chromium did`, async () => {
    const id = randomBytes(8).toString('hex');
    const url = `${LAB_URL}${route}?id=${id}`;
    const opened = await (await appPage()).evaluate(
      ({ url, protocols }) =>
        new Promise((resolve) => {
          const ws = new WebSocket(url, protocols);
          ws.onopen = () => {
            ws.close(1000);
            resolve(true);
          };
          ws.onclose = () => resolve(false);
        }),
      { url, protocols },
    );
    const record = await (await fetch(`${LAB_HTTP}/last?id=${id}`)).json();
    assert.ok(record.request && record.response, `the lab kept no record of ${url}`);
    const [exchange] = coreLint(record.request + record.response).exchanges;
    const rules = exchange.findings.filter((f) => f.side === 'response' || f.rule.startsWith('res.')).map((f) => f.rule);
    assert.equal(
      exchange.verdict.browser_accepts,
      opened,
      `Chromium ${opened ? 'opened' : 'failed'} the connection; the core says browser_accepts ${exchange.verdict.browser_accepts} (${rules})\n${record.response}`,
    );
  });
}
