// What the core says real servers do with a bad request (verdict.servers, shown
// by the page and the CLI) checked against the servers themselves: requests that
// break one rule, then generated ones that break two or three at once (each
// server stops at its own first objection), are sent raw to python `websockets`,
// node `ws` and Go `gorilla/websocket` on loopback, and what each answers must be
// what the core says.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  HANDSHAKE_BIN,
  KEY,
  captureResponse,
  haveCli,
  lintWithCli,
  startGorilla,
  startPythonServer,
  startWsServer,
  statusOf,
  upgradeRequest,
} from './lab.mjs';

/** Appends header lines to a request head. */
const add = (lines) => (r) => r.replace(/\r\n\r\n$/, `\r\n${lines}\r\n\r\n`);

/** Each case: the one rule it breaks and how a valid request is changed. */
const CASES = [
  ['req.method', 'POST', (r) => r.replace(/^GET/, 'POST')],
  ['req.http-version', 'HTTP/1.0', (r) => r.replace('HTTP/1.1', 'HTTP/1.0')],
  ['req.http-version', 'HTTP/0.9', (r) => r.replace('HTTP/1.1', 'HTTP/0.9')],
  ['req.http-version', 'HTTP/2, no minor digit', (r) => r.replace('HTTP/1.1', 'HTTP/2')],
  ['req.http-version.major', 'HTTP/2.0 in the request line', (r) => r.replace('HTTP/1.1', 'HTTP/2.0')],
  ['req.http-version.major', 'HTTP/3.0 in the request line', (r) => r.replace('HTTP/1.1', 'HTTP/3.0')],
  ['req.target', 'a target that is not a path', (r) => r.replace('GET / ', 'GET chat ')],
  ['req.target', 'a fragment', (r) => r.replace('GET / ', 'GET /#top ')],
  ['req.target', 'an asterisk', (r) => r.replace('GET / ', 'GET * ')],
  ['req.target', "another scheme's URI", (r) => r.replace('GET / ', 'GET ftp://example.com/ ')],
  ['req.host', 'no Host', (r) => r.replace(/Host: .*\r\n/, '')],
  ['req.upgrade', 'no Upgrade', (r) => r.replace('Upgrade: websocket\r\n', '')],
  ['req.upgrade', 'Upgrade: h2c', (r) => r.replace('Upgrade: websocket', 'Upgrade: h2c')],
  ['req.connection', 'no Connection', (r) => r.replace('Connection: Upgrade\r\n', '')],
  ['req.connection', 'Connection: keep-alive', (r) => r.replace('Connection: Upgrade', 'Connection: keep-alive')],
  ['req.key.missing', 'no key', (r) => r.replace(/Sec-WebSocket-Key: .*\r\n/, '')],
  ['req.key.invalid', 'a key of 15 bytes', (r) => r.replace(KEY, 'AAAAAAAAAAAAAAAAAAAA')],
  ['req.key.duplicate', 'two keys', add(`Sec-WebSocket-Key: ${KEY}`)],
  ['req.version.missing', 'no version', (r) => r.replace('Sec-WebSocket-Version: 13\r\n', '')],
  ['req.version.unsupported', 'version 12', (r) => r.replace('Version: 13', 'Version: 12')],
  ['req.version.unsupported', 'version 8, an IETF draft', (r) => r.replace('Version: 13', 'Version: 8')],
  ['req.version.duplicate', 'two versions', add('Sec-WebSocket-Version: 13')],
  ['req.protocol.syntax', 'a subprotocol that is not a token', add('Sec-WebSocket-Protocol: chat/1')],
  ['req.protocol.duplicate', 'one subprotocol twice', add('Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: chat')],
  ['req.extensions.syntax', 'a malformed extension', add('Sec-WebSocket-Extensions: permessage-deflate; =')],
  ['http.start-line', 'a fourth word in the request line', (r) => r.replace('GET / HTTP/1.1', 'GET / HTTP/1.1 extra')],
  ['http.header.syntax', 'a field line without a colon', add('No colon here')],
  ['http.header.syntax', 'a space before the colon', add('X-Test : 1')],
];

/**
 * Warnings have no table, but their explanations say what these servers do;
 * `null` is a 101, `'closes'` no response at all.
 */
const WARNINGS = [
  ['http.line-ending', 'bare LF line ends', (r) => r.replaceAll('\r\n', '\n'), { ws: 400, websockets: 'closes', gorilla: null }],
  ['http.obs-fold', 'a folded field', add('X-Fold: a\r\n b'), { ws: 400, websockets: 'closes', gorilla: null }],
  ['req.http-version.minor', 'HTTP/1.2', (r) => r.replace('HTTP/1.1', 'HTTP/1.2'), { ws: 400, websockets: 'closes', gorilla: null }],
  // RFC 6455's own example key, with non-zero trailing bits.
  ['req.key.noncanonical', 'a non-canonical key', (r) => r.replace(KEY, 'AQIDBAUGBwgJCgsMDQ4PEC=='), { ws: null, websockets: null, gorilla: null }],
  // The ws URL in the request line, as Chromium's DevTools displays it (never sent by a browser).
  ['req.target.ws-uri', 'a ws:// URI as the target', (r) => r.replace('GET / ', `GET ws://${r.match(/^Host: (\S+)/m)[1]}/ `), { ws: null, websockets: null, gorilla: null }],
];

/** Whether `response` is what the core's answer says: a status, 101, or nothing. */
function fits(answer, response) {
  if (answer === 'varies') return true; // only http.too-large: the explanation gives each limit
  if (answer === 'closes') return response.length === 0;
  if (answer === null) return statusOf(response) === 101;
  return statusOf(response) === answer;
}

/** Each server's port, by its name in the core's table. */
const servers = {};
const running = [];
before(async () => {
  for (const [table, start] of [['websockets', startPythonServer], ['ws', startWsServer], ['gorilla', startGorilla]]) {
    const server = await start();
    running.push(server);
    servers[table] = server.port;
  }
});
after(async () => {
  for (const server of running) await server.stop();
});

/**
 * Sends `breakIt(a valid request)` to each server. `expect(table, exchange, request)`
 * checks the request's lint and returns what that server must do, which `source`
 * says; the servers' real answers go to the test log under `label`.
 */
async function sendToEach(label, breakIt, source, expect) {
  assert.ok(haveCli(), `${HANDSHAKE_BIN} is missing: cargo build -p handshake-cli (or set HANDSHAKE_BIN)`);
  const seen = [];
  for (const [table, port] of Object.entries(servers)) {
    const request = breakIt(upgradeRequest(port, '/'));
    const [exchange] = lintWithCli(Buffer.from(request, 'latin1')).exchanges;
    const answer = expect(table, exchange, request);
    const response = await captureResponse(port, request);
    const got = response.length ? statusOf(response) || 'no status' : 'closes';
    seen.push(`${table} ${got}`);
    assert.ok(fits(answer, response), `${table} answered ${got}, ${source} says ${JSON.stringify(answer)}`);
  }
  console.log(`${label}: ${seen.join(', ')}`);
}

for (const [rule, what, breakIt] of CASES) {
  test(`${rule} (${what}): ws, websockets and gorilla do what the core says`, async () => {
    await sendToEach(`${rule} (${what})`, breakIt, 'the core', (table, exchange, request) => {
      const errors = exchange.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
      assert.deepEqual(errors, [rule], `the request must break ${rule} alone:\n${request}`);
      const answer = exchange.verdict.servers?.[table];
      assert.notEqual(answer, undefined, `the core has no answer for ${table}: ${JSON.stringify(exchange.verdict)}`);
      // A verdict is about one request: only the 431 limits stay "varies".
      assert.notEqual(answer, 'varies', `the core does not say what ${table} does with this request`);
      return answer;
    });
  });
}

for (const [rule, what, breakIt, expected] of WARNINGS) {
  test(`${rule} (${what}): ws, websockets and gorilla do what the rule's explanation says`, async () => {
    await sendToEach(`${rule} (${what})`, breakIt, "the rule's explanation", (table, exchange, request) => {
      assert.ok(exchange.findings.some((f) => f.rule === rule), `${rule} did not fire:\n${request}`);
      return expected[table];
    });
  });
}

/**
 * Single defects that combine: `groups` names what a defect rewrites (or hides
 * from the linter), so no two in one request share one. The warning `http.obs-fold` is here
 * because it stops ws and websockets before any other check.
 */
const DEFECTS = [
  ['req.method', 'POST', 'method', (r) => r.replace(/^GET /, 'POST ')],
  ['req.method', 'get', 'method', (r) => r.replace(/^GET /, 'get ')],
  ['req.method', 'CONNECT', 'method', (r) => r.replace(/^GET /, 'CONNECT ')],
  ['req.http-version', 'HTTP/1.0', 'version', (r) => r.replace(/ HTTP\/1\.1\r\n/, ' HTTP/1.0\r\n')],
  ['req.http-version', 'HTTP/0.9', 'version', (r) => r.replace(/ HTTP\/1\.1\r\n/, ' HTTP/0.9\r\n')],
  ['req.http-version', 'HTTP/1', 'version', (r) => r.replace(/ HTTP\/1\.1\r\n/, ' HTTP/1\r\n')],
  ['req.target', 'target chat', 'target', (r) => r.replace(/^(\S+) \/ /, '$1 chat ')],
  ['req.target', 'a fragment', 'target', (r) => r.replace(/^(\S+) \/ /, '$1 /#top ')],
  ['req.host', 'no Host', 'host', (r) => r.replace(/Host: .*\r\n/, '')],
  ['req.host', 'two Hosts', 'host', add('Host: example.com')],
  ['req.host', 'a space in Host', 'host', (r) => r.replace(/Host: .*\r\n/, 'Host: a b\r\n')],
  ['req.host', 'a port that is a name', 'host', (r) => r.replace(/Host: .*\r\n/, 'Host: example.com:http\r\n')],
  ['req.upgrade', 'no Upgrade', 'upgrade', (r) => r.replace('Upgrade: websocket\r\n', '')],
  ['req.upgrade', 'Upgrade: h2c', 'upgrade', (r) => r.replace('Upgrade: websocket', 'Upgrade: h2c')],
  ['req.connection', 'no Connection', 'connection', (r) => r.replace('Connection: Upgrade\r\n', '')],
  ['req.connection', 'Connection: keep-alive', 'connection', (r) => r.replace('Connection: Upgrade', 'Connection: keep-alive')],
  ['req.key.missing', 'no key', 'key', (r) => r.replace(/Sec-WebSocket-Key: .*\r\n/, '')],
  ['req.key.invalid', 'a key of 15 bytes', 'key', (r) => r.replace(KEY, 'AAAAAAAAAAAAAAAAAAAA')],
  ['req.key.duplicate', 'two keys', 'key', add(`Sec-WebSocket-Key: ${KEY}`)],
  ['req.version.missing', 'no version', 'ws-version', (r) => r.replace('Sec-WebSocket-Version: 13\r\n', '')],
  ['req.version.unsupported', 'version 12', 'ws-version', (r) => r.replace('Version: 13', 'Version: 12')],
  ['req.version.unsupported', 'version 8', 'ws-version', (r) => r.replace('Version: 13', 'Version: 8')],
  ['req.version.duplicate', 'two versions', 'ws-version', add('Sec-WebSocket-Version: 13')],
  ['req.protocol.syntax', 'subprotocol chat/1', 'protocol', add('Sec-WebSocket-Protocol: chat/1')],
  ['req.protocol.duplicate', 'a subprotocol twice', 'protocol', add('Sec-WebSocket-Protocol: chat, chat')],
  ['req.extensions.syntax', 'a malformed extension', 'extensions', add('Sec-WebSocket-Extensions: permessage-deflate; =')],
  ['http.start-line', 'a fourth word in the request line', 'method version target', (r) => r.replace(/\r\n/, ' extra\r\n')],
  ['http.header.syntax', 'a space before a colon', 'syntax', add('X-Test : 1')],
  ['http.obs-fold', 'a folded field', 'syntax', add('X-Fold: a\r\n b')],
];

/** Whether two defects rewrite the same part of a request. */
const clash = (a, b) => a[2].split(' ').some((group) => b[2].split(' ').includes(group));

/** A fixed-seed generator (a 32-bit LCG), so the combinations are the same on every run. */
function lcg(seed) {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

/**
 * `count` distinct combinations of `size` defects, no two of one group, drawn
 * with a fixed seed; each is a list of indexes into DEFECTS, in DEFECTS order.
 */
function combinations(size, count, seed) {
  const next = lcg(seed);
  const seen = new Set();
  const out = [];
  for (let tries = 0; out.length < count && tries < 10_000; tries++) {
    const pick = [];
    while (pick.length < size) {
      const i = next(DEFECTS.length);
      if (!pick.some((j) => clash(DEFECTS[i], DEFECTS[j]))) pick.push(i);
    }
    pick.sort((a, b) => a - b);
    const key = pick.join(',');
    if (!seen.has(key)) {
      seen.add(key);
      out.push(pick);
    }
  }
  return out;
}

const COMBINATIONS = [...combinations(2, 30, 15), ...combinations(3, 24, 6455)];

for (const pick of COMBINATIONS) {
  const defects = pick.map((i) => DEFECTS[i]);
  const label = defects.map(([rule, what]) => `${rule} (${what})`).join(' + ');
  test(`${defects.length} defects: ${label}: each server answers what the core says`, async () => {
    const breakIt = (r) => defects.reduce((request, [, , , change]) => change(request), r);
    await sendToEach(label, breakIt, 'the core', (table, exchange, request) => {
      const fired = new Set(exchange.findings.map((f) => f.rule));
      for (const [rule, what] of defects) assert.ok(fired.has(rule), `${rule} (${what}) did not fire:\n${request}`);
      const answer = exchange.verdict.servers?.[table];
      assert.notEqual(answer, undefined, `the core has no answer for ${table}: ${JSON.stringify(exchange.verdict)}`);
      assert.notEqual(answer, 'varies', `the core does not say what ${table} does with this request`);
      return answer;
    });
  });
}

test('a bare GET (no Host, no Upgrade, nothing): ws 400, websockets 426, gorilla 400, as the core says', async () => {
  const seen = {};
  await sendToEach('GET / HTTP/1.1 alone', () => 'GET / HTTP/1.1\r\n\r\n', 'the core', (table, exchange) => {
    seen[table] = exchange.verdict.servers?.[table];
    return seen[table];
  });
  assert.deepEqual(seen, { ws: 400, websockets: 426, gorilla: 400 });
});

test("res.405.allow: of the three, only python websockets sends Allow with its 405, as the rule says", async () => {
  for (const [table, port] of Object.entries(servers)) {
    const request = upgradeRequest(port, '/').replace(/^GET/, 'POST');
    const response = await captureResponse(port, request);
    assert.equal(statusOf(response), 405, `${table}: ${response}`);
    const fired = lintWithCli(Buffer.concat([Buffer.from(request, 'latin1'), response])).exchanges[0].findings.map((f) => f.rule);
    assert.equal(fired.includes('res.405.allow'), table !== 'websockets', `${table}: ${fired}\n${response}`);
  }
});
