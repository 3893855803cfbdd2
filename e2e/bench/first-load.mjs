// `cargo xtask bench first-load`: the released app's first load on a slow phone,
// against the floor page (the Leptos counter plus the core's lint of a textarea,
// xtask/size-floor), in the same run. Prints figures with their budgets beside
// them and asserts none (issue #12):
// - paste to findings: cold load under DevTools' "Slow 4G" and a 4x CPU slowdown,
//   from navigation start to the first finding's rule id on screen, the capture
//   pasted into the `Captured handshake` box as soon as that box exists;
// - bytes (gzip -9) of what the page fetched before the findings showed;
// - first contentful paint against the same index.html without its module;
// - when the app's full views have mounted (the landing linter shows the findings
//   first, then loads the app module), and the bytes each view fetches when it is
//   first opened.
// Both sites are served gzip-compressed, as GitHub Pages serves them.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { closeBrowser, launchBrowser } from '../support/browser.mjs';

const APP_URL = process.env.APP_URL;
const FLOOR_URL = process.env.FLOOR_URL;
const APP_DIR = process.env.APP_DIR;
const FLOOR_DIR = process.env.FLOOR_DIR;
const RUNS = Number(process.env.RUNS ?? 5);
const BUDGET = { findings: 1.1, bytes: 1.4, fcp: 1.1 };

// DevTools' "Slow 4G" preset (bytes per second, milliseconds), and its CPU slowdown.
const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: 180000, uploadThroughput: 84375 };
const CPU_SLOWDOWN = 4;

// A request with one error: the key is not 16 bytes in base64. CRLF line ends are
// what both pages lint (a text box keeps only LF; each page restores CRLF).
const CAPTURE = [
  'GET /chat HTTP/1.1',
  'Host: server.example.com',
  'Upgrade: websocket',
  'Connection: Upgrade',
  'Sec-WebSocket-Key: c2hvcnQ=',
  'Sec-WebSocket-Version: 13',
  '',
  '',
].join('\n');

// Runs in the page from its first byte: pastes the capture into the box labelled
// "Captured handshake" as soon as it exists (the app's static shell has it in the
// HTML; the floor makes it when its module mounts), then reports the time, from
// navigation start, of the first frame after the first finding's rule id appears.
// App: the findings list's `.rule-id`; floor: the first rule's `id: "..."` in its
// Debug-printed report.
function probe({ capture, kind }) {
  const report = (what) => window.__bench(JSON.stringify(what));
  let pasted = false;
  let found = false;
  const box = () =>
    [...document.querySelectorAll('textarea')].find((t) =>
      [...(t.labels ?? [])].some((l) => l.textContent.trim().startsWith('Captured handshake')),
    );
  const ruleId = () => {
    if (kind === 'app') return document.querySelector('.findings .rule-id')?.textContent.trim() || null;
    const m = /\bid: "([^"]+)"/.exec(document.querySelector('pre')?.textContent ?? '');
    return m ? m[1] : null;
  };
  const check = () => {
    if (!pasted) {
      const t = box();
      if (t) {
        pasted = true;
        t.value = capture;
        t.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste', data: capture }));
        report({ pasted: performance.now() });
      }
    }
    if (pasted && !found) {
      const rule = ruleId();
      if (rule) {
        found = true;
        const appeared = performance.now();
        // What the findings needed: the page and what it had asked for before
        // they appeared (the app's module, asked for after, is not counted).
        const needed = performance.getEntriesByType('resource').filter((e) => e.startTime <= appeared);
        const wasm = needed.filter((e) => e.name.endsWith('.wasm'));
        const resources = [location.href, ...needed.map((e) => e.name)];
        requestAnimationFrame(() =>
          setTimeout(() => report({ rule, shown: performance.now(), resources, wasmEnd: Math.max(...wasm.map((e) => e.responseEnd)) }), 0),
        );
      }
    }
    // The app (not the floor) has mounted the full views.
    if (kind === 'app' && !('ready' in reported) && document.documentElement.hasAttribute('data-ready')) {
      reported.ready = true;
      report({ ready: performance.now() });
    }
  };
  const reported = {};
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['data-ready'] });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') report({ fcp: e.startTime });
  }).observe({ type: 'paint', buffered: true });
}

/** One cold load of `url` in a fresh context, slow network and CPU; what the probe saw. */
async function coldLoad(browser, url, kind) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = {};
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  await page.exposeFunction('__bench', (json) => {
    const what = JSON.parse(json);
    Object.assign(seen, what);
    if ('fcp' in seen && (kind === 'shell' || ('shown' in seen && (kind !== 'app' || 'ready' in seen)))) done();
  });
  await page.addInitScript(probe, { capture: CAPTURE, kind });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`${kind}: no findings within 60 s`)), 60000));
  await page.goto(url, { waitUntil: 'commit' });
  await Promise.race([finished, timeout]);
  await context.close();
  return seen;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x)} ms`;
const verdict = (ratio, budget) => (ratio <= budget ? 'within target' : 'OVER TARGET');

/** gzip -9 bytes of the site's files among `urls` (those under `base`), by name. */
function gzipOf(urls, base, dir) {
  const files = [...new Set(urls.filter((u) => u.startsWith(base)).map((u) => new URL(u).pathname.slice(1) || 'index.html'))];
  return files.map((name) => {
    const bytes = readFileSync(join(dir, name.split('?')[0]));
    return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
}
const total = (files) => files.reduce((n, f) => n + f.gzip, 0);

// The app's index.html with its module script and preloads removed: what the static
// shell alone paints.
const SHELL = 'shell-only.html';
const html = readFileSync(join(APP_DIR, 'index.html'), 'utf8');
const shellOnly = html
  .replace(/<script type="module">[\s\S]*?<\/script>/g, '')
  .replace(/<link rel="(modulepreload|preload)"[^>]*>/g, '');
writeFileSync(join(APP_DIR, SHELL), shellOnly);

const browser = await launchBrowser();
const runs = { app: [], floor: [], shell: [] };
const order = [
  ['app', APP_URL],
  ['floor', FLOOR_URL],
  ['shell', APP_URL + SHELL],
];
for (let i = 0; i < RUNS; i++) {
  // Rotate who goes first, so a slow spell of the machine is shared.
  for (let j = 0; j < order.length; j++) {
    const [kind, url] = order[(i + j) % order.length];
    runs[kind].push(await coldLoad(browser, url, kind));
  }
}

const shown = (kind) => runs[kind].map((r) => r.shown);
const [app, floor] = [median(shown('app')), median(shown('floor'))];
const rules = new Set([...runs.app, ...runs.floor].map((r) => r.rule));
console.log(`paste to the first finding's rule id (${[...rules].join(', ')}), Slow 4G + ${CPU_SLOWDOWN}x CPU, cold, median of ${RUNS}:`);
console.log(`  app ${ms(app)}   floor ${ms(floor)}   ratio ${(app / floor).toFixed(2)} (target <= ${BUDGET.findings.toFixed(2)}): ${verdict(app / floor, BUDGET.findings)}`);
console.log(`  each run: app ${shown('app').map(Math.round).join(', ')}; floor ${shown('floor').map(Math.round).join(', ')}`);
for (const kind of ['app', 'floor']) {
  const at = (key) => ms(median(runs[kind].map((r) => r[key])));
  const after = ms(median(runs[kind].map((r) => r.shown - r.wasmEnd)));
  console.log(`  ${kind.padEnd(5)} medians: pasted at ${at('pasted')}, wasm fully arrived at ${at('wasmEnd')}, findings ${after} after that`);
}

const ready = runs.app.map((r) => r.ready);
console.log(`  the app's full views mounted (data-ready): median ${ms(median(ready))}; each run ${ready.map(Math.round).join(', ')}`);

const appFiles = gzipOf(runs.app[0].resources, APP_URL, APP_DIR);
const floorFiles = gzipOf(runs.floor[0].resources, FLOOR_URL, FLOOR_DIR);
const bytesRatio = total(appFiles) / total(floorFiles);
console.log('bytes fetched before the findings showed, gzip -9:');
console.log(`  app ${total(appFiles)} B   floor ${total(floorFiles)} B   ratio ${bytesRatio.toFixed(2)} (target <= ${BUDGET.bytes.toFixed(2)}): ${verdict(bytesRatio, BUDGET.bytes)}`);
for (const [who, files] of [['app', appFiles], ['floor', floorFiles]]) {
  for (const f of files) console.log(`    ${who.padEnd(5)} ${f.name.padEnd(44)} ${String(f.raw).padStart(8)} B raw ${String(f.gzip).padStart(8)} B gzip`);
}

const fcp = (kind) => median(runs[kind].map((r) => r.fcp));
const fcpRatio = fcp('app') / fcp('shell');
console.log(`first contentful paint, median of ${RUNS}: app ${ms(fcp('app'))}, its index.html without the module ${ms(fcp('shell'))}: ratio ${fcpRatio.toFixed(2)} (target <= ${BUDGET.fcp.toFixed(2)}): ${verdict(fcpRatio, BUDGET.fcp)}; floor ${ms(fcp('floor'))}`);
rmSync(join(APP_DIR, SHELL));

// What each view fetches when first opened after the landing view (no throttling).
const context = await browser.newContext();
const page = await context.newPage();
let requests = [];
page.on('request', (r) => requests.push(r.url()));
await page.goto(`${APP_URL}#/lint`);
await page.locator('html[data-ready]').waitFor({ state: 'attached', timeout: 30000 });
await page.waitForLoadState('networkidle');
const afterFindings = gzipOf(requests, APP_URL, APP_DIR).filter((f) => !appFiles.some((g) => g.name === f.name));
console.log(`the app module, fetched once the findings are on screen: ${total(afterFindings)} B gzip (${afterFindings.map((f) => f.name).join(', ')})`);
console.log('bytes each view adds when first opened (gzip -9 of what it fetches):');
for (const name of ['Accept', 'Learn', 'Live']) {
  requests = [];
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name, exact: true }).click();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
  const files = gzipOf(requests, APP_URL, APP_DIR);
  console.log(`  ${name.padEnd(7)} ${total(files)} B${files.length ? ` (${files.map((f) => f.name).join(', ')})` : ' (fetches nothing: the app module, loaded after the findings, holds it)'}`);
}
await context.close();
await closeBrowser();
