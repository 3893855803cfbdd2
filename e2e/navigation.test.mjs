// Views, addresses and the page itself: each view has its own URL under the
// GitHub Pages-like sub-path, reloads and shared links land on the same view
// with the same input, and nothing connects anywhere because of a URL.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { APP_URL, appTest, closeBrowser, launchBrowser, waitForApp } from './support/browser.mjs';
import { assertNoHorizontalScroll, assertNoLayoutShift, paste, shownRuleIds, watchSockets } from './support/app.mjs';

after(closeBrowser);

const T = { timeout: 10000 };
/** The live view looks for a lab server on its default address; none answers during the tests. */
const LIVE_PROBE = /\(http:\/\/127\.0\.0\.1:9001\/(\.well-known\/handshake-lab)?\)$/;
const VIEWS = [
  { link: 'Lint', hash: '#/lint', heading: 'Handshake linter' },
  { link: 'Accept', hash: '#/accept', heading: 'Accept calculator' },
  { link: 'Learn', hash: '#/learn', heading: 'Learn the WebSocket handshake' },
  { link: 'Live', hash: '#/live', heading: /Live/ },
];

appTest('the navigation reaches every view; each has its own address under the sub-path', async ({ page }) => {
  assert.ok(new URL(APP_URL).pathname.length > 1, 'the tests serve the site under a sub-path');
  // The landing view is the linter.
  await page.getByRole('heading', { level: 2, name: 'Handshake linter' }).waitFor(T);
  for (const v of VIEWS) {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: v.link, exact: true }).click();
    await page.getByRole('heading', { level: 2, name: v.heading }).waitFor(T);
    const url = new URL(page.url());
    assert.equal(url.origin + url.pathname, APP_URL, 'the path never leaves the sub-path');
    assert.ok(url.hash.startsWith(v.hash), `${v.link}: ${url.hash}`);
    const current = page.getByRole('navigation', { name: 'Views' }).locator('[aria-current="page"]');
    assert.equal((await current.textContent()).trim(), v.link);
    // Focus moves to the view's heading so keyboard and screen reader users land there.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'view-title');
  }
  // Back returns to the previous view.
  await page.goBack();
  await page.getByRole('heading', { level: 2, name: 'Learn the WebSocket handshake' }).waitFor(T);
}, { allowConsoleErrors: [LIVE_PROBE] });

appTest('reloading or sharing each view\'s address restores it with the same input', async ({ page, context }) => {
  // Lint: a capture of the reader's own.
  const capture = 'GET /room?x=1 HTTP/1.1\nHost: chat.example\nUpgrade: websocket\n\n';
  await paste(page, capture);
  await page.waitForFunction(() => location.hash.startsWith('#/lint?c='), null, T);
  const lintUrl = page.url();
  const before = await shownRuleIds(page);
  // Accept: a key.
  await page.getByRole('link', { name: 'Accept', exact: true }).click();
  await page.getByLabel('Sec-WebSocket-Key').fill('x3JJHMbDL1EzLkh9GBhXDw==');
  await page.waitForFunction(() => location.hash === '#/accept?key=x3JJHMbDL1EzLkh9GBhXDw%3D%3D', null, T);
  const acceptUrl = page.url();
  // Learn: a section and a URL for the simulation.
  await page.goto(`${APP_URL}#/learn?at=simulate`);
  await waitForApp(page);
  await page.getByLabel('WebSocket URL').fill('wss://chat.example/socket');
  await page.waitForFunction(() => location.hash.includes('url=wss%3A%2F%2Fchat.example%2Fsocket'), null, T);
  const learnUrl = page.url();

  // Each address, opened afresh in another page as a shared link.
  const other = await context.newPage();
  await other.goto(lintUrl);
  await waitForApp(other);
  await other.getByRole('heading', { level: 2, name: 'Handshake linter' }).waitFor(T);
  await other.locator('.status-line .format').waitFor(T);
  assert.equal((await other.getByLabel('Captured handshake').inputValue()).replace(/\r/g, ''), capture);
  assert.deepEqual(await shownRuleIds(other), before);

  await other.goto(acceptUrl);
  await other.reload();
  await waitForApp(other);
  assert.equal(await other.getByLabel('Sec-WebSocket-Key').inputValue(), 'x3JJHMbDL1EzLkh9GBhXDw==');
  await other.getByLabel('Sec-WebSocket-Accept').filter({ hasText: 'HSmrc0sMlYUkAGmm5OPpG2HaGWk=' }).waitFor(T);

  await other.goto(learnUrl);
  await other.reload();
  await waitForApp(other);
  assert.equal(await other.getByLabel('WebSocket URL').inputValue(), 'wss://chat.example/socket');
  await other.waitForFunction(() => document.activeElement?.id === 'simulate', null, T);

  await other.goto(`${APP_URL}#/live`);
  await other.reload();
  await waitForApp(other);
  await other.getByRole('heading', { level: 2, name: /Live/ }).waitFor(T);

  // An example is shared by its id.
  await other.goto(`${APP_URL}#/lint?ex=wrong-accept`);
  await other.reload();
  await waitForApp(other);
  await other.getByRole('list', { name: 'Findings' }).getByText('res.accept.mismatch').waitFor(T);
  await other.close();
}, { allowConsoleErrors: [LIVE_PROBE] });

appTest('input survives moving between views', async ({ page }) => {
  await page.getByLabel('Examples').selectOption('unknown-path');
  await page.getByRole('list', { name: 'Findings' }).getByText('res.status').waitFor(T);
  await page.getByRole('link', { name: 'Accept', exact: true }).click();
  await page.getByLabel('Sec-WebSocket-Key').fill('AQIDBAUGBwgJCgsMDQ4PEA==');
  await page.getByRole('link', { name: 'Lint', exact: true }).click();
  await page.getByRole('list', { name: 'Findings' }).getByText('res.status').waitFor(T);
  assert.match(page.url(), /#\/lint\?ex=unknown-path$/);
  await page.getByRole('link', { name: 'Accept', exact: true }).click();
  assert.equal(await page.getByLabel('Sec-WebSocket-Key').inputValue(), 'AQIDBAUGBwgJCgsMDQ4PEA==');
});

appTest('odd addresses fall back gracefully', async ({ page }) => {
  await page.goto(`${APP_URL}#/nowhere`);
  await page.getByText('There is no view called "nowhere"').waitFor(T);
  await page.goto(`${APP_URL}#/lint?c=%%%`);
  await page.getByText(/capture in the link is damaged/).waitFor(T);
  await page.goto(`${APP_URL}#/lint?ex=no-such-example`);
  await page.getByText(/names an example that does not exist/).waitFor(T);
});

appTest('a capture too big for the address says so, and the address keeps the view', async ({ page }) => {
  const big = `GET /chat HTTP/1.1\nHost: example.com\nCookie: ${'a'.repeat(20000)}\n\n`;
  await paste(page, big);
  await page.locator('.share-note').getByText(/too big to keep in the address/).waitFor(T);
  assert.equal(new URL(page.url()).hash, '#/lint');
  await paste(page, 'GET / HTTP/1.1\nHost: x\n\n');
  await page.waitForFunction(() => location.hash.startsWith('#/lint?c='), null, T);
  assert.equal(await page.locator('.share-note').count(), 0);
});

appTest('opening any link never opens a WebSocket', async ({ page }) => {
  const sockets = watchSockets(page);
  const paths = [
    '#/lint?ex=clean-browser',
    '#/accept?key=dGhlIHNhbXBsZSBub25jZQ%3D%3D',
    '#/learn?at=simulate&url=ws%3A%2F%2F127.0.0.1%3A9001%2Fecho',
    '#/learn?url=wss%3A%2F%2Fexample.com%2Fchat',
    '#/live',
  ];
  for (const path of paths) {
    await page.goto(`${APP_URL}${path}`);
    await waitForApp(page);
    await page.waitForTimeout(300);
  }
  assert.deepEqual(sockets, []);
}, { allowConsoleErrors: [LIVE_PROBE] });

appTest('light, dark and auto colour schemes; the choice is kept', async ({ page }) => {
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  // Auto follows the system: this context asks for dark.
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'auto');
  assert.equal(await background(), 'rgb(13, 17, 23)');
  await page.getByLabel('Colour scheme').selectOption('light');
  assert.equal(await background(), 'rgb(255, 255, 255)');
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  assert.equal(await background(), 'rgb(255, 255, 255)');
  await page.getByLabel('Colour scheme').selectOption('dark');
  assert.equal(await background(), 'rgb(13, 17, 23)');
  await page.getByLabel('Colour scheme').selectOption('auto');
  assert.equal(await background(), 'rgb(13, 17, 23)');
}, { contextOptions: { colorScheme: 'dark' } });

for (const [path, what] of [
  ['#/lint?ex=protocol-not-offered', 'lint'],
  ['#/lint?ex=wrong-accept', 'lint with a long accept value in a finding'],
  ['#/accept?key=AQIDBAUGBwgJCgsMDQ4PEC%3D%3D', 'accept'],
  ['#/learn', 'learn'],
  ['#/live', 'live'],
]) {
  appTest(`usable at 360 px wide without sideways scrolling: ${what}`, async ({ page }) => {
    await page.waitForTimeout(300);
    await assertNoHorizontalScroll(page, what);
    // Everything that takes input still fits the viewport.
    const overflowing = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea, button')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(overflowing, []);
    // And no button's text runs out of it (long keys and accept values wrap).
    const spilling = await page.evaluate(() =>
      [...document.querySelectorAll('button')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1)
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(spilling, []);
  }, { path, viewport: { width: 360, height: 740 }, allowConsoleErrors: [LIVE_PROBE] });
}

appTest('the static shell paints the layout and the editor before the module, and nothing shifts when it mounts', async ({ page }) => {
  // The HTML alone: title, header, navigation, the editor.
  const html = await (await fetch(APP_URL)).text();
  assert.match(html, /<title>Handshake Lab/);
  for (const part of ['class="site-header"', 'aria-label="Views"', '<main id="main">', 'id="capture"', 'Captured handshake']) {
    assert.ok(html.includes(part), `the shell lacks ${part}`);
  }
  // Without JavaScript the shell is still a page with a usable text box.
  const browser = await launchBrowser();
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const still = await noJs.newPage();
  await still.goto(APP_URL);
  assert.ok(await still.getByLabel('Captured handshake').isEditable());
  const shellBox = await still.getByLabel('Captured handshake').boundingBox();
  await noJs.close();

  // Mounted: the editor where the shell had it, and no layout shift recorded.
  const mountedBox = await page.getByLabel('Captured handshake').boundingBox();
  assert.deepEqual(mountedBox, shellBox);
  await assertNoLayoutShift(page);
});

appTest('text typed into the shell before the module loads is kept', async ({ page }) => {
  const browser = await launchBrowser();
  const context = await browser.newContext();
  const early = await context.newPage();
  // Hold the module back until the reader has typed.
  let release;
  const held = new Promise((r) => (release = r));
  await early.route(/\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await early.goto(APP_URL, { waitUntil: 'domcontentloaded' });
  await early.getByLabel('Captured handshake').fill('GET /early HTTP/1.1\nHost: x\n\n');
  release();
  await waitForApp(early);
  await early.locator('.status-line .format').waitFor(T);
  assert.match(await early.getByLabel('Captured handshake').inputValue(), /GET \/early/);
  await context.close();
  assert.ok(page);
});
