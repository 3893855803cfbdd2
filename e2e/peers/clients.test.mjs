// Real clients against the lab: python `websockets` and node `ws` complete the
// handshake with /echo, and their real requests, captured by /mirror, lint clean.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { errorFindings, runPython, startLab } from './lab.mjs';

let lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.stop();
});

/** Opens a node `ws` client; resolves once open, with the first message promise. */
function openWs(url, options) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const first = new Promise((r) => ws.once('message', (data, isBinary) => r({ data, isBinary })));
    ws.once('open', () => resolve({ ws, first }));
    ws.once('error', reject);
  });
}

/** Sends `message` and resolves with the next message received. */
function roundTrip(ws, message) {
  return new Promise((resolve, reject) => {
    ws.once('message', (data, isBinary) => resolve({ data, isBinary }));
    ws.once('error', reject);
    ws.send(message);
  });
}

/** Asserts a mirror record: the exact request the peer sent, linted by the core. */
function assertCleanRecord(record, id) {
  assert.equal(record.id, id);
  assert.equal(record.status, 101);
  assert.match(record.request, new RegExp(`^GET /mirror\\?id=${id} HTTP/1\\.1\\r\\n`));
  assert.match(record.response, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  assert.ok(record.lint && Array.isArray(record.lint.exchanges), `no lint report: ${JSON.stringify(record.lint)}`);
  assert.deepEqual(errorFindings(record.lint), [], `the real request does not lint clean:\n${record.request}`);
  const verdict = record.lint.exchanges[0].verdict;
  assert.equal(verdict.server_accepts, true);
  assert.equal(verdict.browser_accepts, true);
}

test('python websockets completes a handshake with /echo', async () => {
  const out = await runPython('python_client.py', [`${lab.url}/echo`, 'echo']);
  assert.equal(out.trim(), 'echoed');
});

test("python websockets' real request, captured by /mirror, lints clean", async () => {
  const out = await runPython('python_client.py', [`${lab.url}/mirror?id=py-client`, 'mirror']);
  const record = JSON.parse(out);
  assert.match(record.request, /\r\nUser-Agent: Python\/[\d.]+ websockets\/17\.4\r\n/);
  assertCleanRecord(record, 'py-client');
  // The record is also kept for GET /last.
  const last = await (await fetch(`${lab.httpUrl}/last?id=py-client`)).json();
  assert.equal(last.request, record.request);
});

test('node ws completes a handshake with /echo', async () => {
  const { ws } = await openWs(`${lab.url}/echo`);
  const text = await roundTrip(ws, 'hello from node ws');
  assert.equal(text.isBinary, false);
  assert.equal(text.data.toString(), 'hello from node ws');
  const binary = await roundTrip(ws, Buffer.from([0, 1, 254, 255]));
  assert.equal(binary.isBinary, true);
  assert.deepEqual([...binary.data], [0, 1, 254, 255]);
  ws.close(1000);
});

test("node ws' real request, captured by /mirror, lints clean", async () => {
  // ws offers permessage-deflate by default, as browsers do.
  const { ws, first } = await openWs(`${lab.url}/mirror?id=node-client`);
  const { data } = await first;
  const record = JSON.parse(data.toString());
  assert.match(record.request, /\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n/);
  assertCleanRecord(record, 'node-client');
  ws.close(1000);
});

test('node ws gets the subprotocol it offered first', async () => {
  const { ws } = await openWs(`${lab.url}/subprotocol`, ['chat', 'superchat']);
  assert.equal(ws.protocol, 'chat');
  ws.close(1000);
});
