// Real reverse proxies in front of the lab: nginx (Debian's nginx-light) and
// HAProxy, each started here on loopback with a generated config (foreground,
// files in a temp dir), configured well and in the ways that break WebSockets
// in production. Real curl captures each answer (`curl -v URL 2>&1`, as people
// paste it, and `curl -si`), and so does `handshake probe` with a browser's
// handshake; the linter must read one exchange and name the
// proxy's fault, and stay quiet about proxies for a good config or a refusal
// straight from the lab.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { HANDSHAKE_BIN, KEY, haveCli, lintWithCli, rules, startLab, stopChild } from './lab.mjs';

const NGINX = '/usr/sbin/nginx';
const HAPROXY = '/usr/sbin/haproxy';

/** The directives of a location that passes WebSockets on (nginx's own docs). */
const UPGRADE = 'proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";';

let lab;
let labPort;
let closedPort;
const started = [];

/** A port nothing listens on: bound, then closed. */
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once 127.0.0.1:`port` accepts connections (10 s). */
async function waitForPort(port, name, log) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(socket.destroy() ?? true));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} did not listen on ${port} in 10 s:\n${log()}`);
}

/** Resolves once `ready()` holds (5 s). */
async function waitFor(ready, what) {
  const deadline = Date.now() + 5_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`not seen in 5 s:\n${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `program args` in the foreground; resolves once it listens on `port`. */
async function startProxy(name, program, args, port, dir) {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const proxy = { name, port, log: () => log, stop: () => stopChild(child).then(() => rmSync(dir, { recursive: true, force: true })) };
  started.push(proxy);
  await waitForPort(port, name, () => log);
  return proxy;
}

/** nginx in front of `backendPort`, with `directives` in its location. */
async function startNginx(name, backendPort, directives) {
  assert.ok(existsSync(NGINX), `${NGINX} is missing: cargo xtask setup (apt: nginx-light)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'handshake-nginx-'));
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/${t};`).join(' ');
  const conf = `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr notice;
events { worker_connections 64; }
http {
  access_log off;
  ${temp}
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${backendPort};
      ${directives}
    }
  }
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  return startProxy(name, NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr'], port, dir);
}

/** HAProxy (`mode http`) in front of `backendPort`. */
async function startHaproxy(name, backendPort) {
  assert.ok(existsSync(HAPROXY), `${HAPROXY} is missing: cargo xtask setup (apt: haproxy)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'handshake-haproxy-'));
  const port = await freePort();
  const conf = `defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
  timeout tunnel 1h
frontend websocket
  bind 127.0.0.1:${port}
  default_backend app
backend app
  server app1 127.0.0.1:${backendPort}
`;
  writeFileSync(path.join(dir, 'haproxy.cfg'), conf);
  return startProxy(name, HAPROXY, ['-f', path.join(dir, 'haproxy.cfg'), '-db'], port, dir);
}

before(async () => {
  assert.ok(haveCli(), `${HANDSHAKE_BIN} is missing: cargo build -p handshake-cli (or set HANDSHAKE_BIN)`);
  lab = await startLab();
  labPort = Number(new URL(lab.httpUrl).port);
  closedPort = await freePort();
});

after(async () => {
  for (const proxy of started) await proxy.stop();
  await lab?.stop();
});

/**
 * A valid upgrade by curl 7.88, as the shell runs it. A 101 keeps the
 * connection open, so curl stops at --max-time (exit 28) with the head printed;
 * HAProxy retries a closed port for about 3 s before its 503.
 */
const curl = (status) => [
  'curl',
  '--http1.1',
  `--max-time ${status === 101 ? 2 : 8}`,
  `-H 'Origin: ${lab.httpUrl}'`,
  "-H 'Connection: Upgrade'",
  "-H 'Upgrade: websocket'",
  `-H 'Sec-WebSocket-Key: ${KEY}'`,
  "-H 'Sec-WebSocket-Version: 13'",
].join(' ');

/** `curl -v URL 2>&1`: trace, progress meter and body in one stream, as pasted. */
function curlVerbose(url, status) {
  const run = spawnSync('sh', ['-c', `${curl(status)} -v '${url}' 2>&1`], { timeout: 15_000 });
  assert.ok([0, 28].includes(run.status), `curl -v exited ${run.status}: ${run.stdout}`);
  return run.stdout;
}

/** `curl -si URL`: the response head and body on stdout. */
function curlInclude(url, status) {
  const run = spawnSync('sh', ['-c', `${curl(status)} -si '${url}'`], { timeout: 15_000 });
  assert.ok([0, 28].includes(run.status), `curl -si exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/**
 * `handshake probe --format json`: a browser's opening handshake to the same
 * address (ws:// for http://), linted as `handshake lint` prints it.
 */
function probe(url) {
  const run = spawnSync(HANDSHAKE_BIN, ['probe', '--format', 'json', url.replace(/^http/, 'ws')], { timeout: 20_000 });
  assert.ok([0, 1].includes(run.status), `handshake probe exited ${run.status}: ${run.stderr}`);
  const report = JSON.parse(run.stdout.toString('utf8'));
  assert.equal(report.exchanges.length, 1, `one exchange expected: ${run.stdout}`);
  return { exchange: report.exchanges[0], fired: rules(report) };
}

/** The one exchange the CLI reads in `capture`, and the rule ids it fired. */
function lintOne(capture, format) {
  const report = lintWithCli(capture);
  assert.equal(report.format, format, `not read as ${format}:\n${capture}`);
  assert.equal(report.exchanges.length, 1, `one exchange expected:\n${capture}`);
  return { exchange: report.exchanges[0], fired: rules(report) };
}

/** The response body's text, by its span in the capture. */
function bodyText(capture, exchange) {
  const body = exchange.response.body;
  return body ? capture.subarray(body.span[0], body.span[1]).toString('utf8') : null;
}

/**
 * Captures `url` with curl both ways and with `handshake probe`; checks the
 * status each saw, the proxy rule (or none), and returns the `-v` capture and
 * its exchange.
 */
function check(url, status, rule, t) {
  const verbose = curlVerbose(url, status);
  const v = lintOne(verbose, 'curl');
  const include = curlInclude(url, status);
  const i = lintOne(include, 'raw');
  // The status line as curl printed it (the progress meter may precede it).
  t.diagnostic(`${url}: ${verbose.toString('latin1').match(/< (HTTP\/1\.1 \d{3}[^\r\n]*)/)?.[1]}`);
  const p = probe(url);
  for (const [how, { exchange, fired }] of [['curl -v', v], ['curl -si', i], ['handshake probe', p]]) {
    assert.equal(exchange.response.status, status, `${how}: ${fired}`);
    assert.ok(!fired.includes('http.start-line'), `${how}: ${fired}`);
    const proxyRules = fired.filter((id) => id.startsWith('proxy.'));
    assert.deepEqual(proxyRules, rule ? [rule] : [], `${how}: ${fired}`);
  }
  return { capture: verbose, exchange: v.exchange, findings: v.exchange.findings };
}

test('nginx configured for WebSockets: 101, no proxy rule', async (t) => {
  const nginx = await startNginx('nginx (good)', labPort, UPGRADE);
  const { findings } = check(`http://127.0.0.1:${nginx.port}/echo`, 101, null, t);
  assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
});

test('nginx without the Upgrade and Connection headers: the lab\'s 426 comes back, proxy.upgrade-dropped names nginx', async (t) => {
  const nginx = await startNginx('nginx (no upgrade headers)', labPort, 'proxy_http_version 1.1;');
  const { capture, exchange, findings } = check(`http://127.0.0.1:${nginx.port}/echo`, 426, 'proxy.upgrade-dropped', t);
  const finding = findings.find((f) => f.rule === 'proxy.upgrade-dropped');
  assert.match(finding.message, /through nginx \(Server: nginx\/[\d.]+\).*proxy_set_header Upgrade/);
  // The lab's reason, carried through nginx, is the body.
  assert.match(bodyText(capture, exchange), /Upgrade/);
});

test('nginx without proxy_http_version 1.1: the lab refuses HTTP/1.0 with 400, proxy.upgrade-dropped', async (t) => {
  const nginx = await startNginx('nginx (HTTP/1.0 upstream)', labPort, UPGRADE.replace('proxy_http_version 1.1; ', ''));
  const { capture, exchange } = check(`http://127.0.0.1:${nginx.port}/echo`, 400, 'proxy.upgrade-dropped', t);
  assert.match(bodyText(capture, exchange), /HTTP\/1\.0/);
});

test('nginx pointing at a closed port: its 502 page is the body, proxy.bad-gateway', async (t) => {
  const nginx = await startNginx('nginx (closed port)', closedPort, UPGRADE);
  const { capture, exchange, findings } = check(`http://127.0.0.1:${nginx.port}/echo`, 502, 'proxy.bad-gateway', t);
  assert.match(bodyText(capture, exchange), /^<html>\r?\n<head><title>502 Bad Gateway<\/title><\/head>/);
  assert.match(bodyText(capture, exchange), /<\/html>$/);
  assert.match(findings.find((f) => f.rule === 'proxy.bad-gateway').message, /^502 from nginx .*proxy_pass/);
  // What nginx logged (read once curl's synchronous run lets the pipe drain).
  await waitFor(() => /connect\(\) failed \(111: Connection refused\)/.test(nginx.log()), () => nginx.log());
});

test('nginx passing on a refusal by the lab: 403 gets no proxy rule', async (t) => {
  const nginx = await startNginx('nginx (good, refusal)', labPort, UPGRADE);
  check(`http://127.0.0.1:${nginx.port}/reject/403`, 403, null, t);
});

test('HAProxy in mode http: 101, no proxy rule', async (t) => {
  const haproxy = await startHaproxy('HAProxy (good)', labPort);
  const { findings } = check(`http://127.0.0.1:${haproxy.port}/echo`, 101, null, t);
  assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
});

test('HAProxy pointing at a closed port: 503, proxy.bad-gateway names HAProxy by its page', async (t) => {
  const haproxy = await startHaproxy('HAProxy (closed port)', closedPort);
  const { capture, exchange, findings } = check(`http://127.0.0.1:${haproxy.port}/echo`, 503, 'proxy.bad-gateway', t);
  assert.match(bodyText(capture, exchange), /No server is available to handle this request/);
  assert.match(findings.find((f) => f.rule === 'proxy.bad-gateway').message, /^503 from HAProxy \(its error page\)/);
});

test('refusals straight from the lab, no proxy in between, get no proxy rule', async (t) => {
  for (const [route, status] of [['/reject/400', 400], ['/reject/403', 403], ['/reject/426', 426]]) {
    check(`${lab.httpUrl}${route}`, status, null, t);
  }
});
