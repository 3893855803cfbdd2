// Shared helpers for the peer tests: the lab server, python, the `handshake` CLI,
// and raw TCP captures on loopback.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Cargo's target dir, honouring CARGO_TARGET_DIR. */
export const TARGET = process.env.CARGO_TARGET_DIR
  ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR)
  : path.join(ROOT, 'target');
/** The python with `websockets` installed (`cargo xtask setup` makes this venv). */
export const PYTHON = process.env.PEER_PYTHON ?? path.join(ROOT, '.tools/venv/bin/python');
/** The `handshake` CLI. */
export const HANDSHAKE_BIN = process.env.HANDSHAKE_BIN ?? path.join(TARGET, 'debug/handshake');
/** This folder (the python peers live here). */
export const PEERS = path.dirname(fileURLToPath(import.meta.url));

/** RFC 6455 §1.3's example key. */
export const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/**
 * The lab: `LAB_URL` when set, otherwise a fresh `handshake-lab --listen 127.0.0.1:0`
 * (binary from `LAB_BIN`, default target/debug/handshake-lab) whose port is read
 * from its ready line. `stop()` ends a lab this started.
 */
export async function startLab() {
  if (process.env.LAB_URL) {
    const url = process.env.LAB_URL.replace(/\/+$/, '');
    return { url, httpUrl: url.replace(/^ws/, 'http'), log: () => '', stop: async () => {} };
  }
  const bin = process.env.LAB_BIN ?? path.join(TARGET, 'debug/handshake-lab');
  assert.ok(existsSync(bin), `${bin} is missing: cargo build -p handshake-lab`);
  const child = spawn(bin, ['--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const url = await firstLine(child, /^handshake-lab listening on (ws:\/\/\S+)$/, 'handshake-lab');
  return {
    url,
    httpUrl: url.replace(/^ws/, 'http'),
    log: () => log,
    stop: () => stopChild(child),
  };
}

/** Resolves with the first capture group of the child's first stdout line (10 s). */
export function firstLine(child, pattern, name) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no ready line in 10 s`)), 10_000);
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = pattern.exec(line);
      if (m) resolve(m[1]);
      else reject(new Error(`${name}: unexpected first line ${JSON.stringify(line)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before its ready line`));
    });
  });
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the child has exited. */
export function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs a python peer script from this folder; resolves with its stdout (20 s). */
export function runPython(script, args) {
  assert.ok(existsSync(PYTHON), `${PYTHON} is missing: cargo xtask setup (python -m venv .tools/venv; pip install websockets==17.4)`);
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [path.join(PEERS, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${script} ${args.join(' ')} exited ${code ?? signal}\n${err}${out}`));
    });
  });
}

/** A valid opening handshake (RFC 6455 §4.1), with `extra` header lines. */
export function upgradeRequest(port, pathAndQuery, extra = '') {
  return (
    `GET ${pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`
  );
}

/**
 * Sends `request` raw to 127.0.0.1:`port` and resolves with the response bytes: the
 * head of a 101 (the connection is then dropped), or the whole refusal (head and a
 * Content-Length body, or up to the server's close). Bounded to 5 s.
 */
export function captureResponse(port, request) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    const done = (bytes) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(bytes);
    };
    const timer = setTimeout(() => done(data), 5_000);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = data.subarray(0, end + 4).toString('latin1');
      if (/^HTTP\/1\.1 101 /.test(head)) return done(data.subarray(0, end + 4));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (length && data.length >= end + 4 + Number(length[1])) done(data.subarray(0, end + 4 + Number(length[1])));
    });
    socket.on('end', () => done(data));
    socket.on('error', (e) => (data.length ? done(data) : reject(e)));
  });
}

/** Whether the `handshake` CLI has been built. */
export function haveCli() {
  return existsSync(HANDSHAKE_BIN);
}

/** `handshake lint - --format json` over `bytes`; the parsed report. */
export function lintWithCli(bytes) {
  const run = spawnSync(HANDSHAKE_BIN, ['lint', '-', '--format', 'json'], { input: bytes, timeout: 10_000 });
  assert.ok(run.stdout?.length, `handshake lint printed nothing (status ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout.toString('utf8'));
}

/** Every error-severity finding of a lint report, as `rule: message` lines. */
export function errorFindings(lint) {
  return lint.exchanges.flatMap((e) =>
    e.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}: ${f.message}`),
  );
}

/** Every rule id that fired in a lint report. */
export function rules(lint) {
  return lint.exchanges.flatMap((e) => e.findings.map((f) => f.rule));
}

/** The python `websockets` echo server (python_server.py); resolves with its port and `stop()`. */
export async function startPythonServer() {
  const child = spawn(PYTHON, [path.join(PEERS, 'python_server.py')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.resume(); // it logs a traceback for every dropped connection
  const port = Number(await firstLine(child, /^listening (\d+)$/, 'python_server.py'));
  return { port, stop: () => stopChild(child) };
}

/** A node `ws` echo server on 127.0.0.1; resolves with its port and `stop()`. */
export async function startWsServer() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  await new Promise((resolve) => server.once('listening', resolve));
  const stop = async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  };
  return { port: server.address().port, stop };
}

/** Where the Debian package golang-github-gorilla-websocket-dev puts its source. */
const GOPATH = '/usr/share/gocode';

/**
 * Builds e2e/peers/gorilla_server.go (GOPATH mode, offline, against Debian's
 * gorilla/websocket) and starts it; resolves with its port and `stop()`.
 */
export async function startGorilla() {
  assert.ok(
    existsSync(path.join(GOPATH, 'src/github.com/gorilla/websocket/server.go')),
    'gorilla/websocket is missing: cargo xtask setup (apt: golang-go golang-github-gorilla-websocket-dev)',
  );
  const out = path.join(TARGET, 'peers', 'gorilla_server');
  const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: path.join(TARGET, 'peers', 'go-cache') };
  const build = spawnSync('go', ['build', '-o', out, path.join(PEERS, 'gorilla_server.go')], { env, timeout: 120_000 });
  assert.equal(build.status, 0, `go build gorilla_server.go failed: ${build.error ?? build.stderr}`);
  const child = spawn(out, [], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.resume();
  const port = Number(await firstLine(child, /^listening (\d+)$/, 'gorilla_server'));
  return { port, stop: () => stopChild(child) };
}

/** The status code of a response's status line, or NaN when there is none. */
export function statusOf(response) {
  return Number(/^HTTP\/1\.[01] (\d{3}) /.exec(response.toString('latin1'))?.[1]);
}
