// Headless Chromium driven by playwright-core (the browser `CHROMIUM` names, as
// `cargo xtask` passes it on, else Debian's /usr/bin/chromium), and the page harness
// every browser test uses: it fails a test on any page or console error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

/** Where `cargo xtask test` serves the release build (a GitHub Pages-like sub-path). */
export const APP_URL = process.env.APP_URL ?? 'http://127.0.0.1:8080/';
/** The lab server started by the test run. */
export const LAB_URL = process.env.LAB_URL ?? 'ws://127.0.0.1:9001';

/** Flags for a root process on a closed network (see ../shared/toolchain.md). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let browser;

export async function launchBrowser() {
  browser ??= await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  return browser;
}

export async function closeBrowser() {
  await browser?.close();
  browser = undefined;
}

/** An https origin for the app: Playwright answers its requests from the test's server. */
export const HTTPS_ORIGIN = 'https://handshake-lab.test';

/** Makes `context` answer requests to `HTTPS_ORIGIN` from the test's server: the app in a secure context. */
export async function routeHttpsOrigin(context) {
  const app = new URL(APP_URL).origin;
  await context.route(`${HTTPS_ORIGIN}/**`, async (route) => {
    try {
      await route.fulfill({ response: await route.fetch({ url: route.request().url().replace(HTTPS_ORIGIN, app) }) });
    } catch (e) {
      // The test may end while the service worker still fetches the release to
      // cache it: those requests die with the context.
      if (!/disposed|closed/.test(String(e))) throw e;
    }
  });
}

/** Resolves once the app has mounted (main.rs marks the root element). */
export async function waitForApp(page) {
  await page.locator('html[data-ready]').waitFor({ state: 'attached', timeout: 15000 });
}

/**
 * The page's errors, and its console errors but those `allowed` matches
 * (against `text (url)`), collected into the returned array as they happen.
 */
export function watchProblems(page, allowed = []) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const seen = `${m.text()} (${m.location().url})`;
    if (!allowed.some((a) => a.test(seen))) problems.push(`console error: ${seen}`);
  });
  return problems;
}

/**
 * A test that opens the app at `APP_URL + path` in a fresh page, waits for it to
 * mount, runs `body({ page, problems, context, t })` (`t`: node's test context),
 * and then fails if the page logged any error. `contextOptions` go to `browser.newContext` (colour scheme,
 * permissions...). `allowConsoleErrors`: regular expressions for console errors
 * the browser itself logs on purpose in this test (a failed WebSocket handshake, a
 * probe of an absent server), matched against `text (url)`; keep each one narrow.
 * Page errors are never allowed.
 */
export function appTest(name, body, { path = '', viewport, contextOptions = {}, allowConsoleErrors = [] } = {}) {
  test(name, async (t) => {
    const b = await launchBrowser();
    const context = await b.newContext({ ...(viewport ? { viewport } : {}), ...contextOptions });
    const page = await context.newPage();
    const problems = watchProblems(page, allowConsoleErrors);
    try {
      await page.goto(APP_URL + path);
      await waitForApp(page);
      await body({ page, problems, context, t });
      assert.deepEqual(problems, [], 'the page logged errors');
    } finally {
      await context.close();
    }
  });
}
