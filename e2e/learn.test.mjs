// The explainer: sections, the exchange stepper, the header table and the
// checklist jumping to the calculator, the linter and the rules, the
// simulation's commands, and the tables.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after } from 'node:test';
import { APP_URL, HTTPS_ORIGIN, LAB_URL, appTest, closeBrowser, routeHttpsOrigin, waitForApp } from './support/browser.mjs';
import { cli, coreRuleIds, shownRuleIds, watchSockets } from './support/app.mjs';

after(closeBrowser);

const LEARN = { path: '#/learn' };
const T = { timeout: 10000 };

appTest('every topic has its section, reachable from the table of contents', async ({ page }) => {
  const toc = page.getByRole('navigation', { name: 'On this page' });
  const titles = [
    'Why HTTP switches protocols',
    'The exchange, step by step',
    'The Sec-WebSocket headers',
    "A tester's checklist",
    'Failures and their status codes',
    'Version negotiation',
    'Redirects',
    'Authentication from a browser',
    'Cross-site WebSocket hijacking',
    'Mixed content',
    'Exceptions the browser API throws',
    'TLS, SNI and close code 1015',
    'Simulate an upgrade',
    'HTTP/2 and HTTP/3',
    'Masking',
    'The closing handshake',
    'Close codes',
    'Every rule the linter checks',
  ];
  for (const title of titles) {
    await page.getByRole('heading', { level: 3, name: title }).waitFor(T);
  }
  assert.deepEqual((await toc.getByRole('link').allTextContents()).map((t) => t.trim()), titles);
  await toc.getByRole('link', { name: 'Close codes' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'close-codes', null, T);
  assert.match(page.url(), /#\/learn\?at=close-codes/);
  assert.ok(await page.locator('#close-codes').isVisible());
  // 101 is explained in the page's own words.
  assert.match(await page.locator('#why').textContent(), /101 Switching Protocols/);
}, LEARN);

appTest('each new topic has its own address, reached from the table of contents and by a shared link', async ({ page }) => {
  const topics = {
    versions: /Sec-WebSocket-Version lets the two sides settle on a protocol version by retrying/,
    redirects: /redirect mode "error"/,
    auth: /cannot add an Authorization header/,
    hijacking: /not covered by CORS/,
    'mixed-content': /SecurityError/,
    'api-errors': /InvalidAccessError/,
    tls: /Server Name Indication/,
    masking: /cache poisoning/,
    closing: /wasClean/,
  };
  const toc = page.getByRole('navigation', { name: 'On this page' });
  for (const [id, text] of Object.entries(topics)) {
    await toc.locator(`a[href="#/learn?at=${id}"]`).click();
    await page.waitForFunction((id) => document.activeElement?.id === id, id, T);
    assert.match(page.url(), new RegExp(`#/learn\\?at=${id}(&|$)`));
    const section = page.locator(`section#${id}`);
    assert.ok(await section.isVisible());
    assert.match(await section.textContent(), text);
    // Every RFC link in the section names the section it points at.
    for (const link of await section.locator('a[href^="https://www.rfc-editor.org/"]').all()) {
      const [, rfc, number] = (await link.getAttribute('href')).match(/rfc(\d+)#section-([\d.]+)$/);
      assert.equal((await link.textContent()).trim(), `RFC ${rfc} §${number}`);
    }
  }
  // Opened from an address, a topic is shown and focused.
  await page.goto(`${APP_URL}#/learn?at=closing`);
  await waitForApp(page);
  await page.waitForFunction(() => document.activeElement?.id === 'closing', null, T);
  // Every rule linked anywhere on the page is in the core's catalogue.
  const catalogue = cli(['rules']).stdout;
  const linked = await page.locator('.rule-links a').allTextContents();
  for (const id of linked) assert.ok(catalogue.includes(id.trim()), `${id} is not in the core's catalogue`);
  for (const id of ['h2.scheme', 'req.version.missing', 'req.origin.missing']) assert.ok(linked.some((l) => l.trim() === id), id);
}, LEARN);

appTest('the exceptions the page lists are the ones Chromium throws', async ({ page }) => {
  const thrown = await page.evaluate(async (lab) => {
    const name = (f) => {
      try {
        f();
        return 'nothing';
      } catch (e) {
        return e.name;
      }
    };
    const out = {
      url: name(() => new WebSocket('ws://example.com:99999/')),
      scheme: name(() => new WebSocket('ftp://example.com/')),
      fragment: name(() => new WebSocket('ws://example.com/#room')),
      notToken: name(() => new WebSocket('ws://example.com/', ['a b'])),
      twice: name(() => new WebSocket('ws://example.com/', ['chat', 'chat'])),
    };
    const ws = new WebSocket(`${lab}/echo`);
    out.sendWhileConnecting = name(() => ws.send('x'));
    out.code = name(() => ws.close(1001));
    out.reason = name(() => ws.close(1000, 'x'.repeat(124)));
    await new Promise((resolve) => {
      ws.onopen = resolve;
      ws.onerror = resolve;
    });
    ws.close(1000);
    // An http URL is taken and turned into ws.
    const viaHttp = new WebSocket(`${lab.replace(/^ws:/, 'http:')}/echo`);
    out.httpBecomes = viaHttp.url.split(':')[0];
    await new Promise((resolve) => {
      viaHttp.onopen = resolve;
      viaHttp.onerror = resolve;
    });
    viaHttp.close(1000);
    return out;
  }, LAB_URL);
  assert.deepEqual(thrown, {
    url: 'SyntaxError',
    scheme: 'SyntaxError',
    fragment: 'SyntaxError',
    notToken: 'SyntaxError',
    twice: 'SyntaxError',
    sendWhileConnecting: 'InvalidStateError',
    code: 'InvalidAccessError',
    reason: 'SyntaxError',
    httpBecomes: 'ws',
  });
  const text = await page.locator('#api-errors').textContent();
  for (const [what, error] of Object.entries(thrown)) if (what !== 'httpBecomes') assert.match(text, new RegExp(error));
  assert.match(text, /http and https are accepted and turned into ws and wss/);
}, LEARN);

appTest('from an https page Chromium refuses ws:// to another host with a SecurityError, as the page says', async ({ page, context }) => {
  const app = new URL(APP_URL);
  await routeHttpsOrigin(context);
  await page.goto(`${HTTPS_ORIGIN}${app.pathname}#/learn?at=mixed-content`);
  await waitForApp(page);
  assert.equal(await page.evaluate(() => window.isSecureContext && location.protocol), 'https:');
  const sockets = watchSockets(page);
  const error = await page.evaluate(() => {
    try {
      new WebSocket('ws://example.com/chat');
      return 'nothing';
    } catch (e) {
      return e.name;
    }
  });
  assert.equal(error, 'SecurityError');
  assert.deepEqual(sockets, []);
  assert.match(await page.locator('#mixed-content').textContent(), /Chromium throws a SecurityError/);
}, {
  // Chromium also says so in the console.
  allowConsoleErrors: [/^Mixed Content: .* the insecure WebSocket endpoint 'ws:\/\/example\.com\/chat'\. This request has been blocked/],
});

appTest('the exchange steps through the real bytes', async ({ page }) => {
  const section = page.locator('#exchange');
  const lit = () => section.locator('.byte-line.lit').allTextContents();
  assert.match(await section.locator('.step-count').textContent(), /Step 1 of 8/);
  assert.deepEqual(await lit(), []);
  const next = section.getByRole('button', { name: 'Next step' });
  const previous = section.getByRole('button', { name: 'Previous step' });
  assert.ok(await previous.isDisabled());
  await next.click();
  await next.click();
  await next.click();
  assert.match(await section.locator('.step-count').textContent(), /Step 4 of 8/);
  const shown = await lit();
  assert.equal(shown.length, 2);
  assert.match(shown[0], /^Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==/);
  for (let i = 0; i < 3; i++) await next.click();
  assert.ok((await lit()).some((l) => l.startsWith('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=')));
  await next.click();
  assert.ok(await next.isDisabled());
  await previous.click();
  assert.match(await section.locator('.step-count').textContent(), /Step 7 of 8/);
  // CRLF shown on every line.
  assert.equal(await section.locator('.crlf').count(), 13);
}, LEARN);

appTest('the header table jumps to the accept calculator and the linter', async ({ page }) => {
  const table = page.getByRole('group', { name: 'Header table' });
  for (const name of ['Sec-WebSocket-Key', 'Sec-WebSocket-Accept', 'Sec-WebSocket-Version', 'Sec-WebSocket-Protocol', 'Sec-WebSocket-Extensions']) {
    await table.getByRole('rowheader', { name: new RegExp(name) }).waitFor(T);
  }
  await table.getByRole('link', { name: /Sec-WebSocket-Key in the accept calculator/ }).click();
  await page.getByRole('heading', { level: 2, name: 'Accept calculator' }).waitFor(T);
  assert.equal(await page.getByLabel('Sec-WebSocket-Key').inputValue(), 'dGhlIHNhbXBsZSBub25jZQ==');
  await page.goBack();
  await page.getByRole('group', { name: 'Header table' }).getByRole('link', { name: /Sec-WebSocket-Protocol in the linter/ }).click();
  await page.getByRole('list', { name: 'Findings' }).getByText('res.protocol.not-offered').waitFor(T);
  await page.goBack();
  await page.getByRole('group', { name: 'Header table' }).getByRole('link', { name: 'res.accept.mismatch' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'rule-res.accept.mismatch', null, T);
}, LEARN);

appTest('each checklist item links to the rules that check it', async ({ page }) => {
  const items = page.locator('ol.checklist > li');
  assert.equal(await items.count(), 9);
  const catalogue = cli(['rules']).stdout;
  const linked = await items.locator('.rule-links a').allTextContents();
  assert.ok(linked.length >= 15);
  for (const id of linked) assert.ok(catalogue.includes(id.trim()), `${id} is not in the core's catalogue`);
  const version = items.filter({ hasText: 'Unsupported version' });
  assert.match(await version.textContent(), /req\.version\.unsupported/);
  await version.getByRole('link', { name: 'req.version.unsupported' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'rule-req.version.unsupported', null, T);
  const rule = page.locator('[id="rule-req.version.unsupported"]');
  assert.ok(await rule.isVisible());
  await rule.locator('summary').click();
  assert.match(await rule.textContent(), /Fix:/);
  // And an example of it, in the linter.
  await page.goBack();
  await page.locator('ol.checklist > li').filter({ hasText: 'Unsupported version' }).getByRole('link', { name: /Unsupported version/ }).click();
  await page.getByRole('list', { name: 'Findings' }).getByText('req.version.unsupported').waitFor(T);
}, LEARN);

appTest('failures, statuses, close codes and the catalogue are tabulated', async ({ page }) => {
  const statuses = page.getByRole('group', { name: 'Status codes' });
  for (const code of ['101', '400', '403', '404', '426']) {
    await statuses.getByRole('rowheader', { name: new RegExp(`^${code}`) }).waitFor(T);
  }
  const servers = page.getByRole('group', { name: 'What real servers answer' });
  assert.ok((await servers.locator('tbody tr').count()) >= 8);
  const close = page.getByRole('group', { name: 'Close codes table' });
  const abnormal = close.getByRole('row', { name: /1006/ });
  assert.match(await abnormal.textContent(), /Abnormal Closure.*no.*no/);
  assert.match(await close.getByRole('row', { name: /^1000/ }).textContent(), /yes.*yes/);
  // Every rule of the core, once.
  const catalogue = cli(['rules']).stdout.trim().split('\n').filter((l) => /^\s*[a-z0-9]+\.[a-z0-9.-]+\s/.test(l));
  assert.equal(await page.locator('.rule-list > li').count(), catalogue.length);
}, LEARN);

appTest('the simulation writes commands for a typed URL and connects nowhere', async ({ page }) => {
  const sockets = watchSockets(page);
  const url = page.getByLabel('WebSocket URL');
  const section = page.locator('#simulate');
  await url.fill('wss://chat.example.com:8443/live?room=1');
  await section.getByText(/Connects to chat\.example\.com:8443 over TLS/).waitFor(T);
  const pres = await section.locator('pre').allTextContents();
  const [curl, websocat, wscat, expected] = pres;
  assert.match(curl, /curl --include --no-buffer --http1\.1/);
  assert.match(curl, /'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='/);
  assert.match(curl, /'https:\/\/chat\.example\.com:8443\/live\?room=1'$/);
  assert.equal(websocat, "websocat -v 'wss://chat.example.com:8443/live?room=1'");
  assert.equal(wscat, "wscat --connect 'wss://chat.example.com:8443/live?room=1'");
  assert.match(expected, /^HTTP\/1\.1 101 Switching Protocols\n/);
  assert.match(expected, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
  // The calculator's key, when valid, is used by curl and the expected response.
  await page.goto(`${APP_URL}#/accept?key=x3JJHMbDL1EzLkh9GBhXDw%3D%3D`);
  await waitForApp(page);
  await page.getByRole('link', { name: 'Learn', exact: true }).click();
  await page.locator('#simulate pre').first().waitFor(T);
  assert.match(await page.locator('#simulate').textContent(), /HSmrc0sMlYUkAGmm5OPpG2HaGWk=/);
  // A URL the WebSocket constructor would refuse is explained.
  await page.getByLabel('WebSocket URL').fill('ws://example.com/chat#room');
  await page.locator('#simulate').getByText(/cannot have a fragment/).waitFor(T);
  assert.equal(await page.locator('#simulate pre').count(), 0);
  await page.getByLabel('WebSocket URL').fill('ftp://example.com/');
  await page.locator('#simulate').getByText(/not a WebSocket scheme/).waitFor(T);
  assert.deepEqual(sockets, []);
}, LEARN);

appTest("the simulation's curl command, run for real against the lab, gets the response the page expects", async ({ page }) => {
  await page.getByLabel('WebSocket URL').fill(`${LAB_URL}/echo`);
  const section = page.locator('#simulate');
  await section.locator('pre').first().waitFor(T);
  const [curl, , , expected] = await section.locator('pre').allTextContents();
  // The command as shown (line continuations and all); curl then waits on the
  // open connection, so it is stopped after a second (exit 28).
  const run = spawnSync('sh', ['-c', `${curl} --silent --max-time 1`], { timeout: 10_000 });
  assert.ok([0, 28].includes(run.status), `curl exited ${run.status}: ${run.stderr}`);
  const head = run.stdout.toString('latin1').split('\r\n\r\n')[0];
  assert.equal(`${head.replaceAll('\r\n', '\n')}\n`, expected);

  // The same command opens in the linter, read as the request it sends.
  await section.getByRole('link', { name: 'Lint the request this command sends' }).click();
  await page.locator('.status-line .format', { hasText: 'a curl command' }).waitFor(T);
  assert.equal(await page.getByLabel('Captured handshake').inputValue(), curl);
  assert.deepEqual(await shownRuleIds(page), coreRuleIds(curl));
  assert.match(await page.getByRole('region', { name: 'Verdict' }).textContent(), /101 Switching Protocols/);
}, LEARN);

appTest('keyboard only: step through the exchange and follow a rule link', async ({ page }) => {
  const next = page.locator('#exchange').getByRole('button', { name: 'Next step' });
  for (let i = 0; i < 40 && !(await next.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
  assert.ok(await next.evaluate((e) => e === document.activeElement && e.matches(':focus-visible')));
  await page.keyboard.press('Enter');
  await page.keyboard.press('Space');
  assert.match(await page.locator('#exchange .step-count').textContent(), /Step 3 of 8/);
  const link = page.locator('#headers .rule-links a').first();
  for (let i = 0; i < 40 && !(await link.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
  const id = (await link.textContent()).trim();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.activeElement?.id === `rule-${id}`, id, T);
}, LEARN);
