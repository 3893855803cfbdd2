// Real servers' handshakes, captured on loopback by a raw TCP client: python
// `websockets`, node `ws` and Go `gorilla/websocket` answer a valid request with
// a 101 that lints clean (request + response), and refuse a bad version or a
// missing key with a status the lint explains.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  HANDSHAKE_BIN,
  captureResponse,
  errorFindings,
  haveCli,
  lintWithCli,
  rules,
  startGorilla,
  startPythonServer,
  startWsServer,
  statusOf,
  upgradeRequest,
} from './lab.mjs';

/** `handshake lint` of a captured request + response pair (a raw HTTP capture). */
function lintPair(request, response) {
  assert.ok(haveCli(), `${HANDSHAKE_BIN} is missing: cargo build -p handshake-cli (or set HANDSHAKE_BIN)`);
  return lintWithCli(Buffer.concat([Buffer.from(request, 'latin1'), response]));
}

/**
 * The three captures every server gets: a valid request, a bad version, no key
 * (what each server answers to every rule is checked in refusals.test.mjs).
 * `listsVersions`: whether its version refusal carries Sec-WebSocket-Version
 * (RFC 6455 §4.4).
 */
function serverCases(name, port, { listsVersions }) {
  test(`${name}: its 101 to a valid request lints clean`, async () => {
    const request = upgradeRequest(port(), '/');
    const response = await captureResponse(port(), request);
    assert.equal(statusOf(response), 101, `${response}`);
    const lint = lintPair(request, response);
    assert.deepEqual(errorFindings(lint), [], `request:\n${request}\nresponse:\n${response}`);
    assert.equal(lint.exchanges[0].verdict.browser_accepts, true);
    assert.equal(lint.exchanges[0].verdict.server_accepts, true);
  });

  test(`${name}: a bad Sec-WebSocket-Version is refused and the lint says why`, async () => {
    const request = upgradeRequest(port(), '/').replace('Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 12');
    const response = await captureResponse(port(), request);
    const status = statusOf(response);
    assert.ok(status === 400 || status === 426, `status ${status}: ${response}`);
    const lint = lintPair(request, response);
    const [exchange] = lint.exchanges;
    const fired = rules(lint);
    assert.ok(fired.includes('req.version.unsupported'), `${fired}`);
    assert.ok(fired.includes('res.status'), `${fired}`);
    // RFC 6455 §4.4: the refusal lists the versions the server speaks.
    assert.equal(fired.includes('res.version-header'), !listsVersions, `${fired}\n${response}`);
    assert.equal(exchange.verdict.server_accepts, false);
    assert.equal(exchange.verdict.browser_accepts, false);
  });


  test(`${name}: a missing Sec-WebSocket-Key is refused and the lint says why`, async () => {
    const request = upgradeRequest(port(), '/').replace(/Sec-WebSocket-Key: .*\r\n/, '');
    const response = await captureResponse(port(), request);
    assert.equal(statusOf(response), 400, `${response}`);
    const lint = lintPair(request, response);
    const [exchange] = lint.exchanges;
    const fired = rules(lint);
    assert.ok(fired.includes('req.key.missing'), `${fired}`);
    assert.ok(fired.includes('res.status'), `${fired}`);
    assert.equal(exchange.verdict.expected_status, 400);
  });
}

/** A describe block for one real server, started by `start()` (lab.mjs). */
function serverSuite(title, start, name, options) {
  describe(title, () => {
    let server;
    before(async () => {
      server = await start();
    });
    after(async () => {
      await server?.stop();
    });
    serverCases(name, () => server.port, options);
  });
}

// websockets 17.4 refuses a bad version with 400 and no Sec-WebSocket-Version.
serverSuite('python websockets server', startPythonServer, 'python websockets', { listsVersions: false });
// ws answers 400 with Sec-WebSocket-Version: 13, 8.
serverSuite('node ws server', startWsServer, 'node ws', { listsVersions: true });
// gorilla 1.5.0 answers every refusal 400 with Sec-Websocket-Version: 13.
serverSuite('go gorilla/websocket server', startGorilla, 'go gorilla', { listsVersions: true });
