// Pasted and linked text is only ever rendered as text, and the released page
// carries a Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval'.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { APP_URL, appTest, closeBrowser, waitForApp } from './support/browser.mjs';
import { paste } from './support/app.mjs';

after(closeBrowser);

const T = { timeout: 10000 };
const PAYLOADS = ['<img src=x onerror=window.__xss=1>', '<script>window.__xss=1</script>'];
const base64url = (text) => Buffer.from(text).toString('base64url');

/** Nothing ran and no element came from the payload. */
async function assertInert(page, where) {
  await page.waitForTimeout(200);
  const state = await page.evaluate(() => ({
    xss: typeof window.__xss,
    imgs: document.querySelectorAll('img').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent.includes('__xss')).length,
  }));
  assert.deepEqual(state, { xss: 'undefined', imgs: 0, scripts: 0 }, where);
}

appTest('pasted markup is shown as text and never runs', async ({ page }) => {
  for (const payload of PAYLOADS) {
    // Alone, inside a header value, and as a header name.
    for (const text of [
      payload,
      `GET /chat HTTP/1.1\nHost: ${payload}\nOrigin: ${payload}\nSec-WebSocket-Key: ${payload}\n\nHTTP/1.1 101 ${payload}\nSec-WebSocket-Protocol: ${payload}\n\n`,
      `GET /${payload} HTTP/1.1\n${payload}: x\n\n`,
    ]) {
      await paste(page, text);
      await page.locator('.status-line .format, .status-line .error-note').first().waitFor(T);
      await page.waitForTimeout(300);
      await assertInert(page, `pasted: ${text.slice(0, 40)}`);
    }
  }
  // The text is kept literally.
  assert.ok((await page.getByLabel('Captured handshake').inputValue()).includes(PAYLOADS[1]));
  await page.getByLabel('Examples').selectOption('wrong-accept');
  await assertInert(page, 'after an example');
}, { path: '#/lint' });

appTest('markup placed in the address is shown as text and never runs', async ({ page }) => {
  for (const payload of PAYLOADS) {
    const enc = encodeURIComponent(payload);
    const capture = `GET /chat HTTP/1.1\r\nHost: ${payload}\r\nSec-WebSocket-Key: ${payload}\r\n\r\n`;
    for (const path of [
      `#/lint?c=${base64url(payload)}`,
      `#/lint?c=${base64url(capture)}`,
      `#/lint?ex=${enc}`,
      `#/accept?key=${enc}`,
      `#/learn?at=${enc}&url=${enc}`,
      `#/learn?url=ws%3A%2F%2F${enc}%2F`,
      `#/${enc}`,
      `#${payload}`,
    ]) {
      await page.goto(`${APP_URL}${path}`);
      await waitForApp(page);
      await page.waitForTimeout(300);
      await assertInert(page, path);
    }
    // The key is shown back literally, as text.
    await page.goto(`${APP_URL}#/accept?key=${enc}`);
    await waitForApp(page);
    assert.equal(await page.getByLabel('Sec-WebSocket-Key').inputValue(), payload);
    assert.ok((await page.locator('ol.steps').textContent()).includes(payload));
    await assertInert(page, 'accept view with the payload as key');
  }
});

appTest('the released page has a strict Content-Security-Policy', async ({ page }) => {
  const html = await (await fetch(APP_URL)).text();
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/);
  assert.ok(meta, 'no CSP meta tag');
  const policy = Object.fromEntries(
    meta[1].split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]),
  );
  assert.deepEqual(policy['default-src'], ["'none'"]);
  assert.ok(policy['script-src'].includes("'wasm-unsafe-eval'"));
  for (const [name, values] of Object.entries(policy)) {
    assert.ok(!values.includes("'unsafe-inline'"), `${name} allows 'unsafe-inline'`);
    assert.ok(!values.includes("'unsafe-eval'"), `${name} allows 'unsafe-eval'`);
  }
  assert.deepEqual(policy['style-src'], ["'self'"]);
  // connect-src: the page itself, WebSockets for the live panel, the local lab's records.
  for (const source of policy['connect-src']) {
    assert.ok(["'self'", 'ws:', 'wss:', 'http://127.0.0.1:*', 'http://localhost:*'].includes(source), source);
  }
  // No inline style attributes and no inline event handlers in the markup.
  assert.ok(!/\sstyle="/.test(html), 'inline style attribute in the shell');
  assert.ok(!/\son[a-z]+="/.test(html), 'inline event handler in the shell');
  // The mounted page sets no style attributes either, except the editor marks'
  // positions, which are set through the CSSOM (allowed by the policy).
  await page.getByLabel('Examples').selectOption('missing-upgrade-headers');
  await page.locator('.mark-line').first().waitFor(T);
  const styled = await page.evaluate(() =>
    [...document.querySelectorAll('[style]')].filter((e) => !e.closest('.editor-marks')).map((e) => e.outerHTML.slice(0, 60)),
  );
  assert.deepEqual(styled, []);
}, { path: '#/lint' });
