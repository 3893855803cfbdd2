// After one visit the released site works with the network off (service worker,
// assets/sw.js), and a new release replaces the cached one. The site is served
// by node on a port of its own, so this test's worker is the only one there.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeBrowser, launchBrowser, waitForApp } from './support/browser.mjs';
import { coreRuleIds, linted, paste, shownRuleIds } from './support/app.mjs';
import { SITE_DIR, SITE_NEXT_DIR, serveSite } from './support/site.mjs';

after(closeBrowser);

const T = { timeout: 15000 };
const CAPTURE = [
  'GET /chat HTTP/1.1',
  'Host: example.com',
  'Upgrade: websocket',
  'Connection: Upgrade',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Version: 13',
  '',
  'HTTP/1.1 101 Switching Protocols',
  'Upgrade: websocket',
  'Connection: Upgrade',
  'Sec-WebSocket-Accept: xyz456==',
  '',
  '',
].join('\r\n');

/** The service worker's caches, and the paths in each. */
function cached(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const key of await caches.keys()) {
      out[key] = (await (await caches.open(key)).keys()).map((r) => new URL(r.url).pathname).sort();
    }
    return out;
  });
}

const release = (page) => page.evaluate(() => document.querySelector('meta[name="release"]')?.content ?? 'first');

test('after one visit the site works offline, and a new release replaces the cached one', async (t) => {
  if (!SITE_DIR || !SITE_NEXT_DIR) {
    t.skip('needs SITE_DIR and SITE_NEXT_DIR (cargo xtask e2e)');
    return;
  }
  const site = await serveSite(SITE_DIR);
  const browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The Live view is never opened here, so nothing looks for a lab.
    if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  try {
    await page.goto(`${site.url}#/lint`);
    await waitForApp(page);
    // The policy admits this site's own worker, and no other.
    const policy = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '');
    assert.match(policy, /(^|; )worker-src 'self'(;|$)/);
    assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'/);
    // The manifest and its icons are linked, and served.
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector('link[rel="manifest"]');
      return (await fetch(link.href)).json();
    });
    assert.equal(manifest.start_url, './');
    assert.equal(manifest.display, 'standalone');
    for (const icon of manifest.icons) {
      const status = await page.evaluate(async (src) => (await fetch(new URL(src, document.querySelector('link[rel="manifest"]').href))).status, icon.src);
      assert.equal(status, 200, icon.src);
    }
    assert.ok(manifest.icons.some((i) => i.sizes === '512x512' && i.type === 'image/png'));

    // The worker is installed with this release's files, in a cache named for them.
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, site.url);
    // Chromium's own checks: the manifest parses, and the site is installable (test
    // contexts are incognito, the one thing that stops an install here).
    const cdp = await context.newCDPSession(page);
    assert.deepEqual((await cdp.send('Page.getAppManifest')).errors, []);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito'), []);
    const first = await cached(page);
    const [firstKey, ...others] = Object.keys(first);
    assert.deepEqual(others, [], 'one cache');
    assert.match(firstKey, /^handshake-lab-[0-9a-f]{16}$/);
    const prefix = new URL(site.url).pathname;
    assert.ok(first[firstKey].includes(prefix), 'the page itself');
    for (const ext of ['.js', '_bg.wasm', '.css', '.webmanifest', '.png']) {
      assert.ok(first[firstKey].some((p) => p.endsWith(ext)), `a ${ext} file in ${first[firstKey]}`);
    }

    // Offline: reload, paste a capture, get the findings; the calculator and the explainer too.
    await context.setOffline(true);
    const served = site.requests.length;
    await page.reload();
    await waitForApp(page);
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker serves the page');
    await paste(page, CAPTURE);
    await linted(page);
    const ids = await shownRuleIds(page);
    assert.ok(ids.length > 0, 'findings are shown');
    assert.deepEqual(ids, coreRuleIds(CAPTURE));
    await page.goto(`${site.url}#/accept?key=dGhlIHNhbXBsZSBub25jZQ%3D%3D`);
    await waitForApp(page);
    await page.getByText('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=').first().waitFor(T);
    await page.goto(`${site.url}#/learn`);
    await waitForApp(page);
    await page.locator('#simulate').waitFor(T);
    // The explainer's own page is itself offline, not the linter.
    await page.goto(`${site.url}learn.html#checklist`);
    await waitForApp(page);
    await page.waitForFunction(() => document.activeElement?.id === 'checklist', null, T);
    assert.equal(site.requests.length, served, 'nothing reached the server while offline');
    await page.goto(`${site.url}#/learn`);
    await waitForApp(page);

    // A new release is deployed: the next visit installs its worker, which takes
    // over and says so; a reload shows the new release, and the old cache is gone.
    await context.setOffline(false);
    site.dir = SITE_NEXT_DIR;
    await page.reload();
    await waitForApp(page);
    const note = page.locator('.update-note');
    await note.filter({ hasText: 'A new version of Handshake Lab is ready.' }).waitFor(T);
    await Promise.all([page.waitForEvent('load'), note.getByRole('button', { name: 'Reload' }).click()]);
    await waitForApp(page);
    assert.equal(await release(page), 'next');
    const next = await cached(page);
    const keys = Object.keys(next);
    assert.equal(keys.length, 1, `one cache: ${keys}`);
    assert.notEqual(keys[0], firstKey);

    // And offline again, the new release is the one served.
    await context.setOffline(true);
    await page.reload();
    await waitForApp(page);
    assert.equal(await release(page), 'next');
    await context.setOffline(false);
    assert.deepEqual(problems, [], 'the page logged errors');
  } finally {
    await context.close();
    await site.close();
  }
});
