// The linter in a real browser. The `handshake` CLI runs the same core on the
// same text and is the oracle: the page must show exactly what the core finds.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { APP_URL, appTest, closeBrowser } from './support/browser.mjs';
import { bigHar, coreLint, coreRuleIds, exampleOptions, paste, shownRuleIds, wire } from './support/app.mjs';

after(closeBrowser);

const LINT = { path: '#/lint' };
const T = { timeout: 10000 };

/** What each checklist example of the seed article must show, at least. */
const CHECKLIST = {
  'missing-upgrade-headers': ['req.upgrade', 'req.connection', 'res.status'],
  'unsupported-version': ['req.version.unsupported', 'res.status'],
  'refused-origin': ['res.status'],
  'unknown-path': ['res.status'],
  'wrong-accept': ['res.accept.mismatch'],
  'protocol-not-offered': ['res.protocol.not-offered'],
  'curl-verbose': ['req.origin.missing'],
};

const FORMATS = {
  'curl-verbose': 'curl -v output',
  har: 'HAR file',
  'devtools-copy': 'headers copied from DevTools',
  'h2-extended-connect': 'HTTP/2 or HTTP/3 pseudo-headers',
  'clean-browser': 'raw HTTP/1.1',
};

appTest('each example, chosen and then pasted, shows exactly the core\'s rule ids', async ({ page }) => {
  const examples = await exampleOptions(page);
  assert.ok(examples.length >= 10, `only ${examples.length} examples`);
  for (const id of [...Object.keys(CHECKLIST), 'har']) {
    assert.ok(examples.some((e) => e.id === id), `the menu lacks ${id}`);
  }
  const editor = page.getByLabel('Captured handshake');
  const findings = page.getByRole('list', { name: 'Findings' });
  for (const { id, title } of examples) {
    // Chosen from the menu: the page lints the example's exact text.
    await page.getByLabel('Examples').selectOption(id);
    await page.locator('.status-line').getByText(`Example: ${title}`).waitFor(T);
    const text = await editor.inputValue();
    const expected = coreRuleIds(wire(text));
    assert.deepEqual(await shownRuleIds(page), expected, `${id} (chosen)`);
    for (const rule of CHECKLIST[id] ?? []) assert.ok(expected.includes(rule), `${id}: the core no longer fires ${rule}`);
    if (FORMATS[id]) {
      assert.equal((await page.locator('.status-line .format').textContent()).trim(), FORMATS[id], id);
    }

    // Pasted: the same findings once the typing pause has passed.
    await paste(page, 'GET / HTTP/1.1\n\n');
    await findings.locator('.rule-id', { hasText: 'req.upgrade' }).first().waitFor(T);
    await paste(page, text);
    await page.waitForFunction(
      (want) => {
        const shown = [...document.querySelectorAll('.findings .rule-id')].map((e) => e.textContent.trim());
        return [...new Set(shown)].sort().join(' ') === want;
      },
      expected.join(' '),
      T,
    );
    assert.deepEqual(await shownRuleIds(page), expected, `${id} (pasted)`);
  }
}, LINT);

appTest('the verdict says who accepts and which status a server should send', async ({ page }) => {
  const verdict = page.getByRole('region', { name: 'Verdict' });
  await page.getByLabel('Examples').selectOption('missing-upgrade-headers');
  await verdict.getByText('426 Upgrade Required').waitFor(T);
  assert.match(await verdict.textContent(), /Would a server accept the request\?\s*no/i);
  assert.match(await verdict.textContent(), /Node's ws 426, Python's websockets 426, Go's gorilla 400/);

  await page.getByLabel('Examples').selectOption('clean-browser');
  await verdict.getByText('101 Switching Protocols').waitFor(T);
  const text = await verdict.textContent();
  assert.match(text, /Would a browser accept the response\?\s*yes/i);
  assert.match(text, /Would a server accept the request\?\s*yes/i);

  await page.getByLabel('Examples').selectOption('wrong-accept');
  await verdict.getByText(/Would a browser accept the response\?\s*no/i).waitFor(T);

  await page.getByLabel('Examples').selectOption('h2-extended-connect');
  await verdict.getByText(/2xx, not 101/).waitFor(T);

  // Each server answers the whole request at its own first objection: for a bare
  // GET, Node's server refuses the missing Host, websockets the missing Connection.
  await paste(page, 'GET / HTTP/1.1\r\n\r\n');
  await verdict.getByText(/Node's ws 400, Python's websockets 426, Go's gorilla 400\./).waitFor(T);
}, LINT);

appTest('a refusal\'s body shows under the verdict, as text', async ({ page }) => {
  // nginx's 502 page from a real `curl -v URL 2>&1`: one exchange, the page is its body.
  await page.getByLabel('Examples').selectOption('proxy-bad-gateway');
  const body = page.getByRole('region', { name: 'The response\'s body' });
  await body.getByText('<center><h1>502 Bad Gateway</h1></center>').waitFor(T);
  assert.equal(await body.locator('center, h1, hr').count(), 0, 'the body is text, not markup');
  assert.equal(await page.locator('.exchange-picker, [aria-label="Exchanges"]').count(), 0);

  // Pasted markup stays text.
  await paste(page, 'HTTP/1.1 400 Bad Request\nServer: nginx\n\n<img src=x onerror="document.title=1">\n');
  await body.getByText('<img src=x onerror="document.title=1">').waitFor(T);
  assert.equal(await page.locator('.lint-results img').count(), 0);

  // A 101 has no refusal body.
  await page.getByLabel('Examples').selectOption('clean-browser');
  await page.getByRole('region', { name: 'Verdict' }).getByText('101 Switching Protocols').waitFor(T);
  assert.equal(await body.count(), 0);
}, LINT);

appTest('results follow typing without a submit button, and the live region announces them', async ({ page }) => {
  const editor = page.getByLabel('Captured handshake');
  const announcer = page.locator('#announcer');
  assert.equal(await page.getByRole('button', { name: /submit|lint/i }).count(), 0);
  await editor.pressSequentially('GET /chat HTTP/1.1\nHost: example.com\n\n', { delay: 10 });
  await page.locator('.status-line .format', { hasText: 'raw HTTP/1.1' }).waitFor(T);
  const expected = coreLint('GET /chat HTTP/1.1\r\nHost: example.com\r\n\r\n');
  const errors = expected.exchanges[0].findings.filter((f) => f.severity === 'error').length;
  const said = errors === 1 ? '1 error' : `${errors} errors`;
  await page.waitForFunction((said) => document.querySelector('#announcer')?.textContent.includes(said), said, T);
  assert.equal(await announcer.getAttribute('aria-live'), 'polite');
  assert.equal(await announcer.getAttribute('role'), 'status');
  // The typed text is read with CRLF line ends: no bare-LF warning.
  assert.ok(!(await shownRuleIds(page)).includes('http.line-ending'));

  // Finishing the handshake by typing turns the verdict around.
  await paste(page, 'GET /chat HTTP/1.1\nHost: example.com\nUpgrade: websocket\nConnection: Upgrade\nOrigin: https://example.com\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Version: 13\n\n');
  await page.getByRole('region', { name: 'Verdict' }).getByText('101 Switching Protocols').waitFor(T);
}, LINT);

appTest('a finding explains itself, links its RFC section, and selects its line in the capture', async ({ page }) => {
  await page.getByLabel('Examples').selectOption('wrong-accept');
  const finding = page.getByRole('list', { name: 'Findings' }).locator('li', { hasText: 'res.accept.mismatch' });
  await finding.waitFor(T);
  assert.match(await finding.locator('.badge').textContent(), /error/i);
  const rfc = finding.getByRole('link', { name: /RFC 6455 §/ });
  assert.match(await rfc.getAttribute('href'), /^https:\/\/www\.rfc-editor\.org\/rfc\/rfc6455#section-/);
  assert.equal(await rfc.getAttribute('rel'), 'noopener noreferrer');

  // The explanation, on demand.
  const details = finding.locator('details');
  assert.equal(await details.evaluate((d) => d.open), false);
  await finding.getByText('Why it matters').click();
  assert.equal(await details.evaluate((d) => d.open), true);
  assert.match(await details.textContent(), /Fix:/);

  // Jump: the editor gets focus with the offending text selected, and its line is marked.
  await finding.getByRole('button', { name: /Line 12/ }).click();
  const selection = await page.getByLabel('Captured handshake').evaluate((t) => ({
    focused: document.activeElement === t,
    text: t.value.slice(t.selectionStart, t.selectionEnd),
    line: t.value.slice(0, t.selectionStart).split('\n').length,
  }));
  assert.equal(selection.focused, true);
  assert.equal(selection.line, 12);
  assert.ok(selection.text.length > 0 && 'Sec-WebSocket-Accept: xyz456=='.includes(selection.text), selection.text);
  assert.equal(await page.locator('.editor-marks .mark-line.current').count(), 1);
  assert.ok(await finding.evaluate((li) => li.classList.contains('current')));
}, LINT);

appTest('the corrected version lints clean and copies with a transient "Copied"', async ({ page }) => {
  await page.getByLabel('Examples').selectOption('missing-upgrade-headers');
  const panel = page.getByRole('region', { name: 'Corrected version' });
  await panel.waitFor(T);
  const corrected = await panel.locator('pre').textContent();
  assert.match(corrected, /^GET \/chat HTTP\/1\.1\r?\n/);
  assert.match(corrected, /Upgrade: websocket/);
  const report = coreLint(corrected);
  assert.deepEqual(report.exchanges.flatMap((e) => e.findings.filter((f) => f.severity === 'error')), []);

  const copy = panel.getByRole('button', { name: /Copy/ });
  await copy.click();
  await panel.getByRole('button', { name: /Copied/ }).waitFor({ timeout: 3000 });
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), corrected);
  await panel.getByRole('button', { name: /^Copy\b/ }).waitFor({ timeout: 5000 });
}, { ...LINT, contextOptions: { permissions: ['clipboard-read', 'clipboard-write'] } });

appTest('a capture with several exchanges offers each one', async ({ page }) => {
  const two = `GET /a HTTP/1.1\nHost: x\n\nHTTP/1.1 404 Not Found\n\nGET /b HTTP/1.1\nHost: x\nUpgrade: websocket\nConnection: Upgrade\nOrigin: https://x\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Version: 13\n\nHTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n\n`;
  await paste(page, two);
  const picker = page.locator('.exchange-picker').getByLabel(/^Exchange/);
  await picker.waitFor(T);
  assert.equal(await picker.locator('option').count(), coreLint(wire(two)).exchanges.length);
  await page.getByRole('region', { name: 'Verdict' }).getByText('must be refused').waitFor(T);
  await picker.selectOption('1');
  await page.getByRole('region', { name: 'Verdict' }).getByText('101 Switching Protocols').waitFor(T);
  assert.match(await page.locator('.status-line').textContent(), /2 WebSocket exchanges/);
}, LINT);

appTest('what is not a handshake is said so, and the empty editor invites a paste', async ({ page }) => {
  await page.locator('.status-line').getByText('Nothing to lint yet').waitFor(T);
  await paste(page, 'hello there');
  await page.locator('.status-line .error-note').getByText(/Nothing recognisable/).waitFor(T);
  assert.equal(await page.getByRole('region', { name: 'Verdict' }).count(), 0);
  await paste(page, '{ "log": ');
  await page.locator('.status-line .error-note').getByText(/HAR/).waitFor(T);
}, LINT);

appTest('files can be picked or dropped on any view', async ({ page }) => {
  // Picked: an exact file keeps its own line ends (bare LF is reported).
  await page.getByLabel('Open a capture file').setInputFiles({
    name: 'capture.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('GET /chat HTTP/1.1\nHost: example.com\n\n'),
  });
  await page.locator('.status-line').getByText('File capture.txt').waitFor(T);
  assert.ok((await shownRuleIds(page)).includes('http.line-ending'));
  assert.deepEqual(await shownRuleIds(page), coreRuleIds('GET /chat HTTP/1.1\nHost: example.com\n\n'));

  // Dropped on another view: the linter opens with it.
  await page.getByRole('link', { name: 'Learn', exact: true }).click();
  await page.getByRole('heading', { level: 2, name: /Learn/ }).waitFor(T);
  const text = 'GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\r\n';
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'dropped.http', { type: 'text/plain' }));
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, text);
  await page.locator('.status-line').getByText('File dropped.http').waitFor(T);
  assert.match(page.url(), /#\/lint/);
  assert.deepEqual(await shownRuleIds(page), coreRuleIds(text));
}, LINT);

appTest('a HAR file of several MiB is linted in full and kept out of the editor', async ({ page }) => {
  const har = bigHar(5);
  assert.ok(har.length > 5 * 1024 * 1024);
  await page.getByLabel('Open a capture file').setInputFiles({ name: 'big.har', mimeType: 'application/json', buffer: Buffer.from(har) });
  await page.locator('.status-line .format', { hasText: 'HAR file' }).waitFor({ timeout: 30000 });
  assert.deepEqual(await shownRuleIds(page), coreRuleIds(har));
  assert.match(await page.locator('.status-line').textContent(), /other entries skipped/);
  // Too big for the address: said so, and the address keeps only the view.
  await page.locator('.share-note').waitFor(T);
  assert.match(page.url(), /#\/lint$/);

  // Too big for the editor: a note stands in its place, and each finding
  // shows its line.
  const editor = page.getByLabel('Captured handshake');
  const note = page.locator('.held-note');
  assert.match(await note.textContent(), /5\.\d MiB\) is linted in full but not put in the editor/);
  assert.equal(await editor.isVisible(), false);
  assert.equal(await editor.inputValue(), '');
  const mismatch = page.locator('.finding', { has: page.locator('.rule-id', { hasText: 'res.accept.mismatch' }) });
  const line = coreLint(har).exchanges[0].findings.find((f) => f.rule === 'res.accept.mismatch').line;
  assert.equal((await mismatch.locator('.line-excerpt').textContent()).trim(), har.split('\n')[line - 1].trim());
  await mismatch.locator('.finding-jump').click();
  assert.match(await mismatch.getAttribute('class'), /current/);

  // On request it goes into the editor after all, and the excerpts go.
  await note.getByRole('button', { name: 'Show it in the editor' }).click();
  await editor.waitFor({ state: 'visible', ...T });
  assert.equal((await editor.inputValue()).length, har.length);
  await page.waitForFunction(() => document.activeElement?.id === 'capture', null, T);
  assert.equal(await page.locator('.line-excerpt').count(), 0);
  assert.equal(await note.count(), 0);

  // Clear leaves an empty editor and nothing linted.
  await page.getByLabel('Open a capture file').setInputFiles({ name: 'big.har', mimeType: 'application/json', buffer: Buffer.from(har) });
  await note.waitFor({ timeout: 30000 });
  await note.getByRole('button', { name: 'Clear' }).click();
  await editor.waitFor({ state: 'visible', ...T });
  assert.equal(await editor.inputValue(), '');
  await page.waitForFunction(() => document.activeElement?.id === 'capture', null, T);
  await page.locator('.placeholder-panel').waitFor(T);
}, LINT);

appTest('a paste too large for the editor is held before the text box lays it out', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(APP_URL).origin });
  const har = bigHar(2);
  const editor = page.getByLabel('Captured handshake');
  // A real paste (Ctrl+V) of the whole capture into the empty editor.
  await page.evaluate((text) => navigator.clipboard.writeText(text), har);
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+V');
  await page.locator('.held-note').waitFor({ timeout: 30000 });
  assert.equal(await editor.inputValue(), '');
  await page.locator('.status-line .format', { hasText: 'HAR file' }).waitFor({ timeout: 30000 });
  assert.deepEqual(await shownRuleIds(page), coreRuleIds(har));
  assert.match(await page.locator('.status-line').textContent(), /Pasted text \(2\.\d MiB\)/);

  // Pasted into the middle of other text, it goes where the caret is, as usual.
  await page.getByRole('button', { name: 'Clear' }).click();
  await editor.waitFor({ state: 'visible', ...T });
  await editor.fill('GET / HTTP/1.1');
  await editor.press('End');
  await page.keyboard.press('ControlOrMeta+V');
  await page.waitForFunction(() => document.getElementById('capture').value.length > 2 * 1024 * 1024, null, { timeout: 30000 });
  assert.ok((await editor.inputValue()).startsWith('GET / HTTP/1.1{'));
  assert.equal(await page.locator('.held-note').count(), 0);
}, LINT);

appTest('a capture just over the editor limit is held; one just under goes in the editor', async ({ page }) => {
  // EDITOR_MAX in src/state.rs is 1 MiB.
  const capture = (bytes) => {
    const head = 'GET /chat HTTP/1.1\r\nHost: example.com\r\nX-Pad: ';
    return head + 'x'.repeat(bytes - head.length - 4) + '\r\n\r\n';
  };
  const open = (text) =>
    page.getByLabel('Open a capture file').setInputFiles({ name: 'pad.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await open(capture(1024 * 1024 + 1));
  await page.locator('.held-note').waitFor({ timeout: 30000 });
  const under = capture(1024 * 1024);
  await open(under);
  const editor = page.getByLabel('Captured handshake');
  await editor.waitFor({ state: 'visible', timeout: 30000 });
  // A text box's value has LF line ends.
  assert.equal(await editor.inputValue(), under.replace(/\r\n/g, '\n'));
  assert.equal(await page.locator('.held-note').count(), 0);
}, LINT);

appTest('keyboard only: choose an example, reach a finding, jump to its line', async ({ page }) => {
  // From the top of the page: nav links, colour scheme, then the examples menu.
  const examples = page.getByLabel('Examples');
  for (let i = 0; i < 12 && !(await examples.evaluate((e) => e === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  assert.ok(await examples.evaluate((e) => e === document.activeElement), 'Tab never reached the examples menu');
  assert.ok(await examples.evaluate((e) => e.matches(':focus-visible')), 'no visible focus on the menu');
  // End: the last example, a broken one (the first ones are clean).
  await page.keyboard.press('End');
  await page.locator('.status-line').getByText(/^Example: /).waitFor(T);
  // On to the first finding's button.
  const jump = page.locator('.finding-jump').first();
  await jump.waitFor(T);
  for (let i = 0; i < 20 && !(await jump.evaluate((e) => e === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  assert.ok(await jump.evaluate((e) => e === document.activeElement), 'Tab never reached a finding');
  assert.ok(await jump.evaluate((e) => e.matches(':focus-visible')));
  await page.keyboard.press('Enter');
  assert.ok(await page.getByLabel('Captured handshake').evaluate((t) => t === document.activeElement && t.selectionEnd > t.selectionStart));
}, LINT);

appTest('README screenshot: the linter with findings', async ({ page }) => {
  await page.getByLabel('Examples').selectOption('missing-upgrade-headers');
  const finding = page.locator('.finding-jump').first();
  await finding.waitFor(T);
  await finding.click();
  await page.getByRole('list', { name: 'Findings' }).locator('details').first().locator('summary').click();
  await page.evaluate(() => window.scrollTo(0, 0));
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/screenshot.png` });
  }
}, { ...LINT, viewport: { width: 1280, height: 1000 } });
