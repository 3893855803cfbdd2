// The live panel in a real browser against the real lab server (LAB_URL): real
// sockets, real handshakes, the lab's records fetched and linted by the page.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { after } from 'node:test';
import { APP_URL, HTTPS_ORIGIN, LAB_URL, appTest, closeBrowser, routeHttpsOrigin, waitForApp } from './support/browser.mjs';

after(closeBrowser);

const APP_ORIGIN = new URL(APP_URL).origin;
const LAB_HTTP = LAB_URL.replace(/^ws/, 'http');
const TIMEOUT = { timeout: 10000 };

/** `text` as a literal inside a regular expression. */
const esc = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The page probes the default lab address once (`/`, then the well-known route); nothing answers there during the tests. */
const DEFAULT_PROBE = /\(http:\/\/127\.0\.0\.1:9001\/(\.well-known\/handshake-lab)?\)$/;
/** Chromium's console error for a handshake that failed on `route` of the test's lab. */
const failedHandshake = (route) =>
  new RegExp(`^WebSocket connection to '${esc(LAB_URL + route)}\\?id=[0-9a-f]{16}' failed: `);

const LIVE = { path: '#/live', allowConsoleErrors: [DEFAULT_PROBE] };

function panel(page) {
  return {
    url: page.getByLabel('WebSocket URL'),
    protocols: page.getByLabel('Subprotocols'),
    message: page.getByLabel('Message', { exact: true }),
    sendAs: page.getByLabel('Send as'),
    binaryType: page.getByLabel('binaryType'),
    code: page.getByLabel('Close code'),
    reason: page.getByLabel('Close reason'),
    connect: page.getByRole('button', { name: 'Connect', exact: true }),
    disconnect: page.getByRole('button', { name: 'Disconnect', exact: true }),
    send: page.getByRole('button', { name: 'Send', exact: true }),
    close: page.getByRole('button', { name: 'Close', exact: true }),
    events: page.getByLabel('Events'),
    status: page.locator('.live-status'),
    /** The timeline entries of one kind (`open`, `received`, `close`...). */
    entries: (kind) => page.getByLabel('Events').locator('li').filter({ has: page.locator('.ev-kind', { hasText: new RegExp(`^${kind}$`) }) }),
    alert: (text) => page.getByRole('alert').filter({ hasText: text }),
  };
}

/** Connects to `route` of the lab and waits for `open`; returns the record id. */
async function connect(page, route, { protocols = '' } = {}) {
  const p = panel(page);
  await p.url.fill(`${LAB_URL}${route}`);
  await p.protocols.fill(protocols);
  await p.connect.click();
  const connecting = p.entries('connecting').last();
  await connecting.waitFor(TIMEOUT);
  const id = (await connecting.textContent()).match(/id=([0-9a-f]{16})/)?.[1];
  assert.ok(id, 'a connection to the lab carries ?id=');
  return id;
}

/** The lab's own record, read by node (not by the page). */
async function labRecord(id) {
  const response = await fetch(`${LAB_HTTP}/last?id=${id}`);
  assert.equal(response.status, 200);
  return response.json();
}

appTest('/echo: text and binary both ways, then close with 4000 and a reason', async ({ page }) => {
  const p = panel(page);
  const id = await connect(page, '/echo');
  await p.entries('open').first().waitFor(TIMEOUT);
  await p.status.filter({ hasText: 'OPEN (readyState 1)' }).waitFor(TIMEOUT);
  assert.match(await p.entries('connecting').textContent(), new RegExp(`/echo\\?id=${id}`));

  // The handshake, from the lab's record.
  await page.getByLabel('Request bytes').waitFor(TIMEOUT);
  const record = await labRecord(id);
  assert.equal(await page.getByLabel('Request bytes').textContent(), record.request);
  assert.equal(await page.getByLabel('Response bytes').textContent(), record.response);
  assert.match(record.request, new RegExp(`^GET /echo\\?id=${id} HTTP/1.1\r\n`));

  // Text out and back.
  await p.message.fill('héllo, lab');
  await p.send.click();
  await p.entries('sent').filter({ hasText: 'text, 11 bytes' }).waitFor(TIMEOUT);
  const textEcho = p.entries('received').filter({ hasText: 'text, 11 bytes' });
  await textEcho.waitFor(TIMEOUT);
  assert.equal(await textEcho.locator('.ev-content').textContent(), 'héllo, lab');

  // Binary from hex, received as a Blob (the default binaryType)...
  await p.sendAs.selectOption('binary');
  await p.message.fill('00 01 fe ff');
  await p.send.click();
  const blobEcho = p.entries('received').filter({ hasText: 'binary, 4 bytes (binaryType "blob")' });
  await blobEcho.locator('.ev-hex').waitFor(TIMEOUT);
  assert.equal(await blobEcho.locator('.ev-hex').textContent(), '00 01 fe ff');

  // ...and as an ArrayBuffer.
  await p.binaryType.selectOption('arraybuffer');
  await p.message.fill('0xde 0xad be:ef 00');
  await p.send.click();
  const bufferEcho = p.entries('received').filter({ hasText: 'binary, 5 bytes', hasNotText: 'binaryType' });
  await bufferEcho.waitFor(TIMEOUT);
  assert.equal(await bufferEcho.locator('.ev-hex').textContent(), 'de ad be ef 00');
  await page.getByLabel('bufferedAmount').filter({ hasText: '0 bytes' }).waitFor(TIMEOUT);

  // A bad hex message is explained, and nothing is sent.
  const sentBefore = await p.entries('sent').count();
  await p.message.fill('4g');
  await p.send.click();
  await p.alert("'g' at character 2 is not a hex digit").waitFor(TIMEOUT);
  assert.equal(await p.entries('sent').count(), sentBefore);

  // Close with a code and a reason; the lab echoes them in its Close frame.
  await p.code.fill('4000');
  await p.reason.fill('done for today');
  await p.close.click();
  await p.entries('closing').filter({ hasText: 'close(4000, "done for today")' }).waitFor(TIMEOUT);
  const closed = p.entries('close');
  await closed.waitFor(TIMEOUT);
  const text = await closed.textContent();
  assert.match(text, /4000: for private use/);
  assert.match(text, /reason "done for today"/);
  assert.match(text, /wasClean: true/);
  await p.status.filter({ hasText: 'CLOSED (readyState 3)' }).waitFor(TIMEOUT);
  assert.equal(await p.connect.isEnabled(), true);
}, LIVE);

appTest("/mirror: Chromium's real request, shown byte for byte, lints clean", async ({ page }) => {
  const p = panel(page);
  const id = await connect(page, '/mirror');
  await p.entries('open').waitFor(TIMEOUT);
  await page.getByLabel('Request bytes').waitFor(TIMEOUT);
  const handshake = page.locator('.live-handshake');
  assert.match(await handshake.textContent(), /From the first message on \/mirror/);

  const request = await page.getByLabel('Request bytes').textContent();
  assert.equal(request, (await labRecord(id)).request, 'the page shows the bytes the lab received');
  assert.match(request, new RegExp(`^GET /mirror\\?id=${id} HTTP/1.1\r\n`));
  for (const header of [
    /\r\nUpgrade: websocket\r\n/i,
    /\r\nConnection: Upgrade\r\n/i,
    /\r\nSec-WebSocket-Key: [A-Za-z0-9+/]{22}==\r\n/i,
    /\r\nSec-WebSocket-Version: 13\r\n/i,
    /\r\nSec-WebSocket-Extensions: permessage-deflate/i,
    new RegExp(`\r\nOrigin: ${APP_ORIGIN}\r\n`, 'i'),
    /\r\nUser-Agent: [^\r]*Chrom/i,
  ]) {
    assert.match(request, header);
  }
  assert.match(await page.getByLabel('Response bytes').textContent(), /^HTTP\/1.1 101 Switching Protocols\r\n/);
  assert.match(await handshake.locator('.live-summary').textContent(), /^lints clean/);
  assert.equal(await page.getByLabel('Findings').locator('.sev-error, .sev-warning').count(), 0);
  assert.match(await handshake.textContent(), /and the browser accepted it/);

  // Disconnect calls close() without a code: the Close frame carries none.
  await p.disconnect.click();
  const closed = p.entries('close');
  await closed.waitFor(TIMEOUT);
  assert.match(await closed.textContent(), /1005 No Status Received/);
}, LIVE);

appTest('/subprotocol: the offered subprotocol is negotiated and shown', async ({ page }) => {
  const p = panel(page);
  await connect(page, '/subprotocol', { protocols: 'chat, superchat' });
  const opened = p.entries('open');
  await opened.waitFor(TIMEOUT);
  assert.match(await opened.textContent(), /protocol "chat"/);
  await p.status.filter({ hasText: 'protocol "chat"' }).waitFor(TIMEOUT);
  await page.locator('.live-handshake').filter({ hasText: 'subprotocol "chat"' }).waitFor(TIMEOUT);
  assert.match(await page.getByLabel('Request bytes').textContent(), /\r\nSec-WebSocket-Protocol: chat, superchat\r\n/i);
  await p.disconnect.click();
  await p.entries('close').waitFor(TIMEOUT);
}, LIVE);

appTest(
  '/bad/accept: the browser says 1006; the lab\'s record says why',
  async ({ page }) => {
    const p = panel(page);
    await connect(page, '/bad/accept');
    const closed = p.entries('close');
    await closed.waitFor(TIMEOUT);
    assert.match(await closed.textContent(), /1006 Abnormal Closure/);
    assert.match(await closed.textContent(), /wasClean: false/);
    assert.equal(await p.entries('open').count(), 0);
    await p.entries('error').waitFor(TIMEOUT);

    const story = page.locator('.live-story');
    await story.waitFor(TIMEOUT);
    const told = await story.textContent();
    assert.match(told, /answered 101 Switching Protocols, but the response breaks a rule the browser checks/);
    assert.match(told, /Sec-WebSocket-Accept/);
    assert.match(told, /1006/);
    assert.match(await page.getByLabel('Response bytes').textContent(), /\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/);
    assert.ok((await page.getByLabel('Findings').locator('.sev-error code').allTextContents()).some((r) => r.startsWith('res.accept')));
    assert.match(await page.locator('.live-summary').textContent(), /error/);
  },
  { ...LIVE, allowConsoleErrors: [DEFAULT_PROBE, failedHandshake('/bad/accept')] },
);

appTest(
  "/reject/426: the status the browser hides, from the lab's record",
  async ({ page }) => {
    const p = panel(page);
    await connect(page, '/reject/426');
    await p.entries('close').filter({ hasText: '1006' }).waitFor(TIMEOUT);
    const story = page.locator('.live-story');
    await story.waitFor(TIMEOUT);
    assert.match(await story.textContent(), /"HTTP\/1.1 426 Upgrade Required" \(426\) instead of 101 Switching Protocols/);
    const response = await page.getByLabel('Response bytes').textContent();
    assert.match(response, /^HTTP\/1.1 426 Upgrade Required\r\n/);
    assert.match(response, /\r\nSec-WebSocket-Version: 13\r\n/);
    await p.entries('record').filter({ hasText: 'HTTP/1.1 426 Upgrade Required' }).waitFor(TIMEOUT);
  },
  { ...LIVE, allowConsoleErrors: [DEFAULT_PROBE, failedHandshake('/reject/426')] },
);

appTest('refused close codes and a too-long reason are explained, and the socket stays open', async ({ page }) => {
  const p = panel(page);
  await connect(page, '/echo');
  await p.entries('open').waitFor(TIMEOUT);

  await p.code.fill('1005');
  await p.reason.fill('');
  await p.close.click();
  await p.alert('The browser refuses close code 1005').waitFor(TIMEOUT);
  assert.match(await page.getByRole('alert').textContent(), /1005 No Status Received is never sent in a Close frame/);

  await p.code.fill('2000');
  await p.close.click();
  await p.alert('2000 is reserved for the protocol').waitFor(TIMEOUT);

  await p.code.fill('1001');
  await p.close.click();
  await p.alert('1001 Going Away belongs to the browser and the server').waitFor(TIMEOUT);

  await p.code.fill('abc');
  await p.close.click();
  await p.alert('"abc" is not a close code').waitFor(TIMEOUT);

  await p.code.fill('1000');
  await p.reason.fill('é'.repeat(62));
  await p.close.click();
  await p.alert('The reason is 124 bytes of UTF-8 (62 characters').waitFor(TIMEOUT);

  // Nothing was called: the socket is still open and still echoes.
  assert.equal(await p.entries('closing').count(), 0);
  await p.status.filter({ hasText: 'OPEN (readyState 1)' }).waitFor(TIMEOUT);
  await p.message.fill('still here');
  await p.send.click();
  await p.entries('received').filter({ hasText: 'text, 10 bytes' }).waitFor(TIMEOUT);

  // The longest reason allowed goes through.
  await p.reason.fill('é'.repeat(61) + 'a');
  await p.close.click();
  await p.entries('close').filter({ hasText: '1000 Normal Closure' }).waitFor(TIMEOUT);
  assert.equal(await page.getByRole('alert').count(), 0);
}, LIVE);

appTest('constructor errors are explained in words before anything connects', async ({ page }) => {
  const p = panel(page);
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  const cases = [
    [`${LAB_URL}/echo#top`, '', 'cannot carry a fragment (#top)'],
    ['ftp://example.com/', '', 'The scheme "ftp:" is not allowed'],
    ['echo.websocket.org', '', 'Did you mean wss://echo.websocket.org?'],
    ['', '', 'Type a WebSocket URL first'],
    [`${LAB_URL}/echo`, 'chat, chat', 'The subprotocol "chat" is listed twice'],
    [`${LAB_URL}/echo`, 'a b', '"a b" is not a valid subprotocol'],
    ['ws://127.0.0.1:99999/', '', 'The port "99999" is not a number'],
  ];
  for (const [url, protocols, why] of cases) {
    await p.url.fill(url);
    await p.protocols.fill(protocols);
    await p.connect.click();
    await p.alert(why).waitFor(TIMEOUT);
    await p.entries('error').filter({ hasText: why }).waitFor(TIMEOUT);
  }
  assert.deepEqual(sockets, [], 'no socket was opened');
  await p.status.filter({ hasText: 'Not connected.' }).waitFor(TIMEOUT);
}, LIVE);

appTest('the panel keeps its connection and timeline across views', async ({ page }) => {
  const p = panel(page);
  await connect(page, '/echo');
  await p.entries('open').waitFor(TIMEOUT);
  await page.getByRole('link', { name: 'Accept', exact: true }).click();
  await page.getByLabel('Sec-WebSocket-Key').waitFor(TIMEOUT);
  await page.getByRole('link', { name: 'Live', exact: true }).click();
  await p.status.filter({ hasText: 'OPEN (readyState 1)' }).waitFor(TIMEOUT);
  assert.equal(await p.entries('open').count(), 1);
  await p.message.fill('back again');
  await p.send.click();
  await p.entries('received').filter({ hasText: 'text, 10 bytes' }).waitFor(TIMEOUT);
  await p.disconnect.click();
  await p.entries('close').waitFor(TIMEOUT);
}, LIVE);

/** Starts a lab on the default address, or returns null when it cannot (the port is taken). */
async function startDefaultLab() {
  const bin = process.env.LAB_BIN;
  if (!bin) return null;
  const child = spawn(bin, ['--listen', '127.0.0.1:9001', '--allow-origin', APP_ORIGIN], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const ready = await new Promise((resolve) => {
    child.stdout.once('data', (line) => resolve(String(line).startsWith('handshake-lab listening on')));
    child.once('exit', () => resolve(false));
    child.once('error', () => resolve(false));
  });
  if (!ready) {
    child.kill();
    return null;
  }
  return child;
}

/** Whether anything answers HTTP at the default lab address right now. */
async function defaultAddressAnswers() {
  try {
    await fetch('http://127.0.0.1:9001/', { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

appTest('no lab at 127.0.0.1:9001: the URL defaults to a public echo server, and nothing connects', async ({ page, t }) => {
  if (await defaultAddressAnswers()) {
    t.skip('something listens on 127.0.0.1:9001 (cargo xtask serve?)');
    return;
  }
  const p = panel(page);
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.locator('.live-hint').filter({ hasText: 'No lab server answers at 127.0.0.1:9001' }).waitFor(TIMEOUT);
  assert.equal(await p.url.inputValue(), 'wss://echo.websocket.org');
  assert.equal(await p.events.locator('li').count(), 0);
  await p.status.filter({ hasText: 'Not connected.' }).waitFor(TIMEOUT);
  assert.deepEqual(sockets, [], 'opening the view opened no socket');
}, LIVE);

appTest('a lab at 127.0.0.1:9001: the URL defaults to its /echo and its routes are offered', async ({ page, t }) => {
  const lab = await startDefaultLab();
  if (!lab) {
    t.skip('cannot start a lab on 127.0.0.1:9001 (taken?)');
    return;
  }
  try {
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.reload();
    const p = panel(page);
    await page.locator('.live-hint').filter({ hasText: 'A lab server answers at 127.0.0.1:9001' }).waitFor(TIMEOUT);
    assert.equal(await p.url.inputValue(), 'ws://127.0.0.1:9001/echo');
    const offered = await page.locator('#live-suggestions option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(offered.includes('ws://127.0.0.1:9001/mirror'), offered.join(' '));
    assert.ok(offered.includes('ws://127.0.0.1:9001/close/4000'), offered.join(' '));
    assert.equal(await p.events.locator('li').count(), 0);
    assert.deepEqual(sockets, [], 'finding the lab opened no socket');
  } finally {
    lab.kill();
  }
}, LIVE);

async function openOverHttps(page, context) {
  await routeHttpsOrigin(context);
  await page.goto(`${HTTPS_ORIGIN}${new URL(APP_URL).pathname}#/live`);
  await waitForApp(page);
  assert.equal(await page.evaluate(() => window.isSecureContext && location.protocol), 'https:');
}

/** The lab refuses its records to the https origin (it allows only the test server's). */
const LAB_PROBE_FROM_HTTPS = [
  new RegExp(`^Access to fetch at '${esc(LAB_HTTP)}/' from origin '${esc(HTTPS_ORIGIN)}' has been blocked by CORS policy`),
  new RegExp(`^Failed to load resource: net::ERR_FAILED \\(${esc(LAB_HTTP)}/\\)$`),
];

appTest(
  'from an https page: ws:// to another host is refused in words; ws:// to this machine opens once local network access is allowed',
  async ({ page, context }) => {
    await openOverHttps(page, context);
    const p = panel(page);
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));

    await p.url.fill('ws://example.com/chat');
    await p.connect.click();
    await p.alert('This page was loaded over https').waitFor(TIMEOUT);
    assert.match(await page.getByRole('alert').textContent(), /mixed content\)\. Use wss:\/\/example\.com\/chat\./);
    assert.deepEqual(sockets, []);

    // Loopback is exempt from mixed content (Chromium asks for local network access instead).
    await p.url.fill(`${LAB_URL}/echo`);
    await p.connect.click();
    await p.entries('open').waitFor(TIMEOUT);
    await p.entries('note').filter({ hasText: `--allow-origin ${HTTPS_ORIGIN}` }).waitFor(TIMEOUT);
    await p.message.fill('over https');
    await p.send.click();
    await p.entries('received').filter({ hasText: 'text, 10 bytes' }).waitFor(TIMEOUT);
    await p.disconnect.click();
    await p.entries('close').waitFor(TIMEOUT);
    assert.deepEqual(sockets, [`${LAB_URL}/echo`]);
  },
  {
    ...LIVE,
    contextOptions: { permissions: ['local-network-access'] },
    allowConsoleErrors: [DEFAULT_PROBE, ...LAB_PROBE_FROM_HTTPS],
  },
);

appTest(
  'from an https page without local network access, the failure is explained',
  async ({ page, context }) => {
    await openOverHttps(page, context);
    const p = panel(page);
    await p.url.fill(`${LAB_URL}/echo`);
    await p.connect.click();
    await p.entries('close').filter({ hasText: '1006 Abnormal Closure' }).waitFor(TIMEOUT);
    assert.equal(await p.entries('open').count(), 0);
    const hint = p.entries('note').filter({ hasText: 'local network access' });
    await hint.waitFor(TIMEOUT);
    assert.match(await hint.textContent(), new RegExp(`--allow-origin ${esc(HTTPS_ORIGIN)}`));
  },
  {
    ...LIVE,
    allowConsoleErrors: [
      DEFAULT_PROBE,
      ...LAB_PROBE_FROM_HTTPS,
      new RegExp(`ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS \\(${esc(LAB_HTTP)}/\\)$`),
      new RegExp(`^WebSocket connection to '${esc(LAB_URL)}/echo' failed: .*ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS`),
    ],
  },
);

appTest(
  'from an https page the local lab is looked for only when the reader asks',
  async ({ page, context }) => {
    const probes = [];
    page.on('request', (r) => {
      if (r.url().startsWith('http://127.0.0.1:9001/')) probes.push(r.url());
    });
    await openOverHttps(page, context);
    await page.getByText('does not look for a local lab server on its own').waitFor(TIMEOUT);
    assert.deepEqual(probes, [], 'no request to this machine before the click');
    const ask = page.getByRole('button', { name: 'Look for a local lab server' });
    await ask.click();
    await page.getByText('No lab server answers at 127.0.0.1:9001').waitFor(TIMEOUT);
    assert.deepEqual(probes, ['http://127.0.0.1:9001/', 'http://127.0.0.1:9001/.well-known/handshake-lab']);
    assert.equal(await ask.count(), 0, 'the button goes once the probe has run');
  },
  { ...LIVE, allowConsoleErrors: [DEFAULT_PROBE, ...LAB_PROBE_FROM_HTTPS] },
);

appTest(
  'a failed connection to a server that is not the lab: the handshake probe command that repeats it, with a copy button',
  async ({ page }) => {
    // A loopback port nothing listens on: the browser reports only 1006.
    const port = await new Promise((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
    const p = panel(page);
    await p.url.fill(`ws://127.0.0.1:${port}/chat?room=1`);
    await p.protocols.fill('chat, v2.json');
    await p.connect.click();
    await p.entries('close').filter({ hasText: '1006 Abnormal Closure' }).waitFor(TIMEOUT);
    const hint = p.entries('note').filter({ hasText: 'with --raw its output can be pasted into the linter' });
    await hint.waitFor(TIMEOUT);
    const command = await hint.getByLabel('handshake probe command').textContent();
    assert.equal(
      command,
      `handshake probe 'ws://127.0.0.1:${port}/chat?room=1' --origin ${APP_ORIGIN} --protocol chat --protocol v2.json`,
    );
    await hint.getByRole('button', { name: 'Copy the handshake probe command' }).waitFor(TIMEOUT);
    // The command runs as printed, and names what the browser could not.
    if (process.env.HANDSHAKE_BIN) {
      const args = command.replace(/^handshake /, '').replace(/'/g, '').split(' ');
      const run = spawnSync(process.env.HANDSHAKE_BIN, args, { timeout: 20_000 });
      assert.equal(run.status, 2, `${run.stdout}${run.stderr}`);
      assert.match(run.stderr.toString(), new RegExp(`connection refused by 127\\.0\\.0\\.1:${port}`));
    }
  },
  {
    ...LIVE,
    allowConsoleErrors: [
      DEFAULT_PROBE,
      /^Failed to load resource: net::ERR_CONNECTION_REFUSED \(http:\/\/127\.0\.0\.1:\d+\/\)$/,
      /^WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/chat\?room=1' failed: /,
    ],
  },
);
