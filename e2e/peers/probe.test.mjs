// `handshake probe` and `handshake audit` against real servers on loopback:
// python `websockets`, node `ws`, Go `gorilla/websocket` and the lab, over ws://
// and over wss:// (a node TLS front with an openssl-made CA and certificate).
// The audit cards measured here are the table in crates/cli/README.md, which
// must match (UPDATE_AUDIT_CARDS=1 writes the measured table into it).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import { HANDSHAKE_BIN, ROOT, haveCli, startGorilla, startLab, startPythonServer, startWsServer } from './lab.mjs';

/** The servers, as the README's columns name them. */
const PEERS = [
  ['websockets 17.4', startPythonServer],
  ['ws 8.23', startWsServer],
  ['gorilla 1.5.0', startGorilla],
];

const README = path.join(ROOT, 'crates/cli/README.md');
const START = '<!-- audit-cards:start -->';
const END = '<!-- audit-cards:end -->';

const running = [];
const ports = {};
let lab;
let pki;

/** A CA and a `localhost` certificate it signed, made by openssl in a temp dir. */
function makePki() {
  const dir = mkdtempSync(path.join(tmpdir(), 'handshake-probe-pki-'));
  const run = (args) => {
    const r = spawnSync('openssl', args, { cwd: dir, timeout: 20_000 });
    assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.error ?? r.stderr}`);
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=handshake probe test CA']);
  run(['req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost']);
  writeFileSync(path.join(dir, 'leaf.ext'), 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n');
  run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '1', '-extfile', 'leaf.ext']);
  return {
    dir,
    ca: path.join(dir, 'ca.pem'),
    key: readFileSync(path.join(dir, 'leaf.key')),
    cert: readFileSync(path.join(dir, 'leaf.pem')),
  };
}

/** A TLS front on 127.0.0.1 relaying each connection to 127.0.0.1:`port`. */
async function tlsFront(port) {
  const server = tls.createServer({ key: pki.key, cert: pki.cert }, (socket) => {
    const backend = net.connect({ host: '127.0.0.1', port });
    socket.pipe(backend).pipe(socket);
    const drop = () => {
      socket.destroy();
      backend.destroy();
    };
    socket.on('error', drop);
    backend.on('error', drop);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, stop: () => new Promise((resolve) => server.close(resolve)) };
}

before(async () => {
  assert.ok(haveCli(), `${HANDSHAKE_BIN} is missing: cargo build -p handshake-cli (or set HANDSHAKE_BIN)`);
  pki = makePki();
  lab = await startLab();
  running.push(lab);
  for (const [name, start] of PEERS) {
    const server = await start();
    running.push(server);
    const front = await tlsFront(server.port);
    running.push(front);
    ports[name] = { ws: server.port, wss: front.port };
  }
});

after(async () => {
  for (const server of running) await server.stop();
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

/**
 * Runs the CLI without blocking the event loop (the ws server and the TLS
 * fronts live in this process); its status, stdout and stderr. `input`: stdin.
 */
function cli(args, input = '') {
  return new Promise((resolve, reject) => {
    const child = spawn(HANDSHAKE_BIN, args, { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, out, err });
    });
    child.stdin.end(input);
  });
}

for (const [name] of PEERS) {
  for (const scheme of ['ws', 'wss']) {
    test(`probe ${scheme}:// ${name}: a 101 that lints clean, closed with 1000 both ways`, async () => {
      const host = scheme === 'ws' ? '127.0.0.1' : 'localhost';
      const url = `${scheme}://${host}:${ports[name][scheme]}/`;
      const extra = scheme === 'wss' ? ['--cacert', pki.ca] : [];
      const r = await cli(['probe', url, '--format', 'json', ...extra]);
      assert.equal(r.status, 0, `${r.out}${r.err}`);
      const report = JSON.parse(r.out);
      const [exchange] = report.exchanges;
      assert.equal(exchange.response.status, 101);
      assert.equal(exchange.verdict.browser_accepts, true);
      assert.deepEqual(exchange.findings.filter((f) => f.severity === 'error'), []);
      assert.equal(report.probe.close.code, 1000, JSON.stringify(report.probe));
      assert.equal(report.probe.tls_ms === null, scheme === 'ws', JSON.stringify(report.probe));
      // The raw output reads back through `handshake lint`.
      const raw = await cli(['probe', url, '--raw', ...extra]);
      assert.equal(raw.status, 0, raw.err);
      const lint = await cli(['lint', '-', '--format', 'json'], raw.out);
      assert.equal(lint.status, 0, lint.err);
      assert.equal(JSON.parse(lint.out).exchanges[0].response.status, 101);
    });
  }
}

test('probe a refusal: the server says what a browser hides (gorilla answers version 8 with 400)', async () => {
  const r = await cli(['probe', `ws://127.0.0.1:${ports['gorilla 1.5.0'].ws}/`, '-H', 'Sec-WebSocket-Version: 8']);
  assert.equal(r.status, 1, r.err);
  assert.match(r.out, /GET \/ -> 400/);
  assert.match(r.out, /req\.version\.unsupported/);
});

/** `handshake audit URL --format json`, parsed. */
async function audit(url, extra = []) {
  const r = await cli(['audit', url, '--format', 'json', ...extra]);
  assert.ok(r.status === 0 || r.status === 1, `audit ${url}: status ${r.status}\n${r.err}`);
  const card = JSON.parse(r.out);
  assert.equal(r.status, card.failed === 0 ? 0 : 1);
  assert.equal(card.passed + card.failed, card.cases.length);
  return card;
}

test('audit the lab over ws:// and wss://: every case passes', async () => {
  const card = await audit(`${lab.url}/echo`);
  assert.equal(card.failed, 0, JSON.stringify(card.cases.filter((c) => !c.pass), null, 1));
  const front = await tlsFront(Number(new URL(lab.url).port));
  try {
    const secure = await audit(`wss://localhost:${front.port}/echo`, ['--cacert', pki.ca]);
    assert.equal(secure.failed, 0, JSON.stringify(secure.cases.filter((c) => !c.pass), null, 1));
  } finally {
    await front.stop();
  }
});

/** Markdown: one row per case, one column per server. */
function cardsTable(cards) {
  const names = PEERS.map(([name]) => name);
  const first = cards[names[0]].cases;
  const cell = (c) => `${c.pass ? 'pass' : '**fail**'}: ${c.got.replaceAll('|', '\\|')}`;
  const rows = first.map((c, i) => {
    for (const name of names) assert.equal(cards[name].cases[i].id, c.id, 'every card lists the cases in one order');
    return `| \`${c.id}\` | ${c.rule ? `\`${c.rule}\`` : '-'} | ${c.expected} | ${names.map((n) => cell(cards[n].cases[i])).join(' | ')} |`;
  });
  const score = names.map((n) => `**${cards[n].passed}/${cards[n].cases.length}**`).join(' | ');
  return [
    `| case | rule | RFC 6455 / RFC 9110 expect | ${names.join(' | ')} |`,
    `|---|---|---|${names.map(() => '---').join('|')}|`,
    ...rows,
    `| score | | | ${score} |`,
  ].join('\n');
}

test("audit cards of websockets, ws and gorilla: what the README's table says, measured", async () => {
  const cards = {};
  for (const [name] of PEERS) {
    cards[name] = await audit(`ws://127.0.0.1:${ports[name].ws}/`);
    // Each server follows the RFC on the valid handshake at least.
    assert.equal(cards[name].cases[0].id, 'valid');
    assert.equal(cards[name].cases[0].pass, true, `${name}: ${JSON.stringify(cards[name].cases[0])}`);
    console.log(`${name}: ${cards[name].passed}/${cards[name].cases.length}`);
  }
  const measured = `${START}\n${cardsTable(cards)}\n${END}`;
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  assert.ok(start >= 0 && end > start, `crates/cli/README.md has no ${START} ... ${END} section`);
  if (process.env.UPDATE_AUDIT_CARDS) {
    writeFileSync(README, readme.slice(0, start) + measured + readme.slice(end + END.length));
    return;
  }
  assert.equal(readme.slice(start, end + END.length), measured, 'the README table differs from what the servers did (UPDATE_AUDIT_CARDS=1 rewrites it)');
});

test("the probe sends Chromium's fields in Chromium's order (seen by the lab from both)", async () => {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${lab.httpUrl}/`);
    await page.evaluate(
      (url) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url, ['chat', 'superchat']);
          ws.onopen = () => ws.close(1000);
          ws.onclose = resolve;
          ws.onerror = () => reject(new Error(`WebSocket to ${url} failed`));
        }),
      `${lab.url}/subprotocol?id=order-chromium`,
    );
  } finally {
    await browser.close();
  }
  const r = await cli(['probe', `${lab.url}/subprotocol?id=order-probe`, '--protocol', 'chat', '--protocol', 'superchat']);
  assert.equal(r.status, 0, r.err);
  const names = async (id) => {
    const record = await (await fetch(`${lab.httpUrl}/last?id=${id}`)).json();
    return record.request.split('\r\n').slice(1).filter(Boolean).map((line) => line.split(':')[0]);
  };
  const seen = await names('order-chromium');
  assert.ok(seen.includes('Accept-Encoding'), `${seen}`);
  // The probe leaves out Accept-Encoding alone, so a refusal's body stays text.
  assert.deepEqual(await names('order-probe'), seen.filter((n) => n !== 'Accept-Encoding'));
});
