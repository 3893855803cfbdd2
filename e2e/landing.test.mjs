// The two modules of issue #12: the landing linter (crates/landing) lints what is
// pasted into the static shell and lists the core's findings before the app module
// has arrived; the app then loads and replaces the shell. A first visit to any
// view's address works, and a failed app load says so and offers a retry.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { APP_URL, closeBrowser, launchBrowser, waitForApp, watchProblems } from './support/browser.mjs';
import { assertNoLayoutShift, coreRuleIds, paste, shownRuleIds, wire } from './support/app.mjs';

after(closeBrowser);

const T = { timeout: 15000 };
/** The app module's files (the landing linter's are handshake-landing-*). */
const APP_WASM = /\/handshake-web-[0-9a-f]+_bg\.wasm$/;
const APP_JS = /\/handshake-web-[0-9a-f]+\.js(\?.*)?$/;
/** The live view looks for a lab server on its default address; none answers during the tests. */
const LIVE_PROBE = /\(http:\/\/127\.0\.0\.1:9001\/(\.well-known\/handshake-lab)?\)$/;
/** What Chromium logs for a request the test aborts on purpose. */
const ABORTED = /Failed to load resource: net::ERR_FAILED|Failed to fetch dynamically imported module/;
const CAPTURE = 'GET /chat HTTP/1.0\nHost: server.example.com\nUpgrade: websocket\nSec-WebSocket-Key: c2hvcnQ=\n\n';

/** A page in a context of its own, and the errors it logs but those `allowed`. */
async function freshPage(allowed = []) {
  const context = await (await launchBrowser()).newContext();
  const page = await context.newPage();
  return { context, page, problems: watchProblems(page, [LIVE_PROBE, ...allowed]) };
}

/**
 * A test on a fresh page of the site whose app module waits until the body calls
 * `release()`: the body starts once the landing linter has run, and the test fails
 * if the page logged errors.
 */
function heldTest(name, body) {
  test(name, async () => {
    const { context, page, problems } = await freshPage();
    let release;
    const held = new Promise((r) => (release = r));
    await page.route(APP_WASM, async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.goto(APP_URL);
      await page.locator('html[data-landing]').waitFor({ state: 'attached', ...T });
      await body({ page, release });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

heldTest('the landing linter lists the core\'s findings before the app module arrives, and the app lists the same', async ({ page, release }) => {
  await paste(page, CAPTURE);
  const expected = coreRuleIds(wire(CAPTURE));
  assert.ok(expected.length >= 3, `the capture breaks several rules: ${expected}`);
  await page.locator('.findings .rule-id').first().waitFor(T);
  const early = [...new Set((await page.locator('.findings .rule-id').allTextContents()).map((s) => s.trim()))].sort();
  assert.deepEqual(early, expected);
  assert.equal(await page.locator('html[data-ready]').count(), 0, 'the app is still held back');
  assert.match(await page.locator('.status-line .summary').textContent(), /^\d+ errors?/);
  // The verdict, and each finding's explanation and fix.
  const verdictText = async () => (await page.locator('.verdict dl').textContent()).replace(/\s+/g, ' ').trim();
  const verdict = await verdictText();
  assert.match(verdict, /Would a server accept the request\?\s?no .*Which status should a server send\?\s?400 Bad Request — the request must be refused/);
  assert.equal(await page.locator('.findings details summary').count(), await page.locator('.findings .rule-id').count());
  // Each finding links its RFC section, in a new tab.
  const rfc = page.locator('.findings .rfc').first();
  assert.match(await rfc.getAttribute('href'), /^https:\/\/www\.rfc-editor\.org\//);
  assert.equal(await rfc.getAttribute('rel'), 'noopener noreferrer');
  // Emptying the editor brings back the shell's placeholder.
  await paste(page, '');
  await page.locator('.placeholder-panel').waitFor(T);
  await paste(page, CAPTURE);

  release();
  await waitForApp(page);
  assert.deepEqual(await shownRuleIds(page), expected);
  // The app says the verdict in the same words, and adds its own panels.
  assert.equal(await verdictText(), verdict);
  await page.getByRole('heading', { name: 'Corrected version' }).waitFor(T);
});

heldTest('what is pasted reaches the landing linter\'s page as text, never as HTML', async ({ page, release }) => {
  await paste(page, 'GET /<img%20src=x%20onerror=alert(1)> HTTP/1.1\nHost: <b>x</b>\n\n');
  await page.locator('.findings .rule-id').first().waitFor(T);
  assert.equal(await page.locator('.lint-results img, .lint-results b').count(), 0);
  assert.match(await page.locator('.lint-results').textContent(), /Host "<b>x<\/b>"/);
  release();
  await waitForApp(page);
});

heldTest('the reader typing in the shell keeps the text, the focus and the caret when the app takes over', async ({ page, release }) => {
  const editor = page.getByLabel('Captured handshake');
  await editor.focus();
  await page.keyboard.insertText('GET /typing HTTP/1.1\nHost: x\n');
  await page.evaluate(() => document.getElementById('capture').setSelectionRange(4, 11));
  release();
  await waitForApp(page);
  await page.waitForFunction(() => document.activeElement?.id === 'capture', null, T);
  const state = await page.evaluate(() => {
    const t = document.getElementById('capture');
    return [t.value, t.selectionStart, t.selectionEnd];
  });
  assert.deepEqual(state, ['GET /typing HTTP/1.1\nHost: x\n', 4, 11]);
});

heldTest('the navigation works while the app loads: another view waits for it, the linter comes back', async ({ page, release }) => {
  await page.getByLabel('Captured handshake').fill('GET /kept HTTP/1.1\n\n');
  const nav = page.getByRole('navigation', { name: 'Views' });
  await nav.getByRole('link', { name: 'Learn', exact: true }).click();
  await page.getByRole('heading', { level: 2, name: 'Learn' }).waitFor(T);
  assert.match(await page.locator('#landing-wait [role="status"]').textContent(), /Loading/);
  assert.ok(await page.getByLabel('Captured handshake').isHidden());
  await nav.getByRole('link', { name: 'Lint', exact: true }).click();
  await page.getByLabel('Captured handshake').waitFor({ state: 'visible', ...T });
  assert.equal(await page.locator('#landing-wait').count(), 0);
  await nav.getByRole('link', { name: 'Accept', exact: true }).click();
  release();
  await waitForApp(page);
  // The app opens on the address it finds, with what was typed kept.
  await page.getByRole('heading', { level: 2, name: 'Accept calculator' }).waitFor(T);
  await nav.getByRole('link', { name: 'Lint', exact: true }).click();
  assert.match(await page.getByLabel('Captured handshake').inputValue(), /GET \/kept/);
});

// Every view's address, opened first (no view visited before it).
for (const [hash, heading] of [
  ['', 'Handshake linter'],
  ['#/lint', 'Handshake linter'],
  ['#/lint?ex=wrong-accept', 'Handshake linter'],
  ['#/accept', 'Accept calculator'],
  ['#/learn', 'Learn the WebSocket handshake'],
  ['#/learn?at=rule-req.upgrade.missing', 'Learn the WebSocket handshake'],
  ['#/live', /Live/],
]) {
  test(`a first visit straight to ${hash || 'the root'} opens that view`, async () => {
    const { context, page, problems } = await freshPage();
    try {
      await page.goto(APP_URL + hash);
      await waitForApp(page);
      await page.getByRole('heading', { level: 2, name: heading }).waitFor(T);
      assert.equal(await page.locator('#landing-wait').count(), 0);
      if (hash.includes('ex=')) assert.ok((await shownRuleIds(page)).includes('res.accept.mismatch'));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test('a failed app load on a view\'s address says so and offers a retry, which loads it', async () => {
  const { context, page, problems } = await freshPage([ABORTED]);
  let fail = true;
  await page.route(APP_WASM, (route) => (fail ? route.abort('failed') : route.continue()));
  try {
    await page.goto(APP_URL + '#/learn');
    const alert = page.getByRole('alert').filter({ hasText: 'did not load' });
    await alert.waitFor(T);
    await page.getByRole('heading', { level: 2, name: 'Learn' }).waitFor(T);
    assert.match(await page.locator('#landing-wait [role="status"]').textContent(), /did not load/);
    fail = false;
    await alert.getByRole('button', { name: 'Try again' }).click();
    await waitForApp(page);
    await page.getByRole('heading', { level: 2, name: 'Learn the WebSocket handshake' }).waitFor(T);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a failed app load on the linter leaves the landing linter working, and a retry loads the app', async () => {
  const { context, page, problems } = await freshPage([ABORTED]);
  let fail = true;
  const asked = [];
  await page.route(APP_JS, (route) => {
    asked.push(route.request().url());
    return fail ? route.abort('failed') : route.continue();
  });
  try {
    await page.goto(APP_URL);
    const alert = page.getByRole('alert').filter({ hasText: 'did not load' });
    await alert.waitFor(T);
    await paste(page, CAPTURE);
    await page.locator('.findings .rule-id').first().waitFor(T);
    assert.ok(await alert.isVisible(), 'the failure stays in view while the linter works');
    fail = false;
    await alert.getByRole('button', { name: 'Try again' }).click();
    await waitForApp(page);
    assert.deepEqual(await shownRuleIds(page), coreRuleIds(wire(CAPTURE)));
    // The retry asked anew: a module that failed stays failed under its URL.
    assert.equal(new Set(asked).size, asked.length, `each attempt its own URL: ${asked}`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('learn.html reads without JavaScript: the whole explainer, its contents linked to its sections', async () => {
  const index = await (await fetch(APP_URL)).text();
  assert.match(index, /<noscript>.*<a href="learn\.html">The explainer<\/a>/s);
  const context = await (await launchBrowser()).newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(APP_URL + 'learn.html');
    assert.equal(await page.title(), 'Learn the WebSocket handshake: Handshake Lab');
    await page.getByRole('heading', { level: 2, name: 'Learn the WebSocket handshake' }).waitFor(T);
    const targets = await page.getByRole('navigation', { name: 'On this page' }).getByRole('link').evaluateAll((links) =>
      links.map((a) => a.getAttribute('href')),
    );
    assert.ok(targets.length >= 15, `contents: ${targets}`);
    for (const href of targets) {
      assert.match(href, /^#[\w.-]+$/);
      assert.equal(await page.locator(`[id="${href.slice(1)}"]`).count(), 1, `${href} names a section`);
    }
    assert.match(await page.locator('main').textContent(), /Sec-WebSocket-Accept/);
  } finally {
    await context.close();
  }
});

test('learn.html with the module: the app takes the same view over, and a section\'s own address opens it', async () => {
  const { context, page, problems } = await freshPage();
  try {
    await page.goto(APP_URL + 'learn.html#checklist');
    await waitForApp(page);
    assert.match(new URL(page.url()).hash, /^#\/learn\?at=checklist(&|$)/);
    await page.getByRole('heading', { level: 2, name: 'Learn the WebSocket handshake' }).waitFor(T);
    await page.waitForFunction(() => document.activeElement?.id === 'checklist', null, T);
    // The app's markup is the static page's: nothing moved when it mounted.
    await assertNoLayoutShift(page);
    // Its links are the app's again: the linter opens in place.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Lint', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Handshake linter' }).waitFor(T);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
