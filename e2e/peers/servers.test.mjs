// Real servers' handshakes, captured on loopback by a raw TCP client: python
// `websockets` and node `ws` answer a valid request with a 101 that lints clean
// (request + response), and refuse a bad version or a missing key with a status
// the lint explains.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer } from 'ws';
import {
  HANDSHAKE_BIN,
  PEERS,
  PYTHON,
  captureResponse,
  errorFindings,
  firstLine,
  haveCli,
  lintWithCli,
  rules,
  stopChild,
  upgradeRequest,
} from './lab.mjs';

/** The lint of a captured pair, or a skip when the CLI is not built yet. */
function lintPair(t, request, response) {
  if (!haveCli()) {
    t.skip(`${HANDSHAKE_BIN} not built (cargo build -p handshake-cli); capture only`);
    return null;
  }
  return lintWithCli(Buffer.concat([Buffer.from(request, 'latin1'), response]));
}

/** The three captures every server gets: a valid request, a bad version, no key. */
function serverCases(name, port) {
  test(`${name}: its 101 to a valid request lints clean`, async (t) => {
    const request = upgradeRequest(port(), '/');
    const response = await captureResponse(port(), request);
    assert.match(response.toString('latin1'), /^HTTP\/1\.1 101 /);
    const lint = lintPair(t, request, response);
    if (!lint) return;
    assert.deepEqual(errorFindings(lint), [], `request:\n${request}\nresponse:\n${response}`);
    assert.equal(lint.exchanges[0].verdict.browser_accepts, true);
  });

  test(`${name}: a bad Sec-WebSocket-Version is refused and the lint says why`, async (t) => {
    const request = upgradeRequest(port(), '/').replace('Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 12');
    const response = await captureResponse(port(), request);
    const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(response.toString('latin1'))?.[1]);
    assert.ok(status === 400 || status === 426, `status ${status}: ${response}`);
    const lint = lintPair(t, request, response);
    if (!lint) return;
    const fired = rules(lint);
    assert.ok(fired.some((r) => r.startsWith('req.version')), `no version finding in ${fired}`);
    assert.equal(lint.exchanges[0].verdict.server_accepts, false);
    assert.equal(lint.exchanges[0].verdict.browser_accepts, false);
  });

  test(`${name}: a missing Sec-WebSocket-Key is refused and the lint says why`, async (t) => {
    const request = upgradeRequest(port(), '/').replace(/Sec-WebSocket-Key: .*\r\n/, '');
    const response = await captureResponse(port(), request);
    const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(response.toString('latin1'))?.[1]);
    assert.equal(status, 400, `${response}`);
    const lint = lintPair(t, request, response);
    if (!lint) return;
    const fired = rules(lint);
    assert.ok(fired.some((r) => r.startsWith('req.key')), `no key finding in ${fired}`);
    assert.equal(lint.exchanges[0].verdict.expected_status, 400);
  });
}

describe('python websockets server', () => {
  let server;
  let port;
  before(async () => {
    server = spawn(PYTHON, [path.join(PEERS, 'python_server.py')], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stderr.resume();
    port = Number(await firstLine(server, /^listening (\d+)$/, 'python_server.py'));
  });
  after(async () => {
    if (server) await stopChild(server);
  });
  serverCases('python websockets', () => port);
});

describe('node ws server', () => {
  let server;
  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
    await new Promise((resolve) => server.once('listening', resolve));
  });
  after(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
  serverCases('node ws', () => server.address().port);
});
