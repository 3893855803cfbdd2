// Real curl output, not hand-written: curl 7.x/8.x sends an upgrade request to the
// lab, and what it prints with `-v` and `--trace-ascii` is linted by the CLI as a
// curl capture, with the lab's misbehaviour found. A curl command line, run by bash,
// is held to what curl really sent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { HANDSHAKE_BIN, KEY, errorFindings, haveCli, lintWithCli, rules, startLab } from './lab.mjs';

let lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.stop();
});

/**
 * Runs curl against the lab's `path` with the upgrade headers and `traceArgs`, and
 * returns what curl wrote to `stream`. A 101 leaves the connection open, so curl
 * stops at --max-time (exit 28); the head has been printed by then.
 */
function curl(path, traceArgs, stream) {
  const origin = lab.httpUrl;
  const run = spawnSync(
    'curl',
    [
      '--silent',
      '--http1.1',
      '--max-time',
      '1',
      '--output',
      '/dev/null',
      ...['-H', 'Connection: Upgrade', '-H', 'Upgrade: websocket'],
      ...['-H', `Sec-WebSocket-Key: ${KEY}`, '-H', 'Sec-WebSocket-Version: 13', '-H', `Origin: ${origin}`],
      ...traceArgs,
      `${origin}${path}`,
    ],
    { timeout: 10_000 },
  );
  assert.ok(!run.error, `curl could not run (cargo xtask setup installs it): ${run.error}`);
  assert.ok([0, 28].includes(run.status), `curl exited ${run.status}: ${run.stderr}`);
  return stream === 'stdout' ? run.stdout : run.stderr;
}

function lint(capture) {
  assert.ok(haveCli(), `${HANDSHAKE_BIN} is missing: cargo build -p handshake-cli (or set HANDSHAKE_BIN)`);
  const report = lintWithCli(capture);
  assert.equal(report.format, 'curl', `not read as curl output:\n${capture}`);
  assert.equal(report.exchanges.length, 1);
  return report;
}

test('curl -v against /echo: read as curl, the pair lints clean', () => {
  const capture = curl('/echo', ['--verbose'], 'stderr');
  assert.match(capture.toString(), /^> GET \/echo HTTP\/1\.1\r?$/m);
  const report = lint(capture);
  const [exchange] = report.exchanges;
  assert.equal(exchange.request.target, '/echo');
  assert.equal(exchange.response.status, 101);
  assert.deepEqual(errorFindings(report), []);
  assert.equal(exchange.verdict.browser_accepts, true);
  assert.equal(exchange.verdict.server_accepts, true);
});

test('curl --trace-ascii against /bad/accept: the wrong accept is found', () => {
  const capture = curl('/bad/accept', ['--trace-ascii', '-'], 'stdout');
  assert.match(capture.toString(), /^=> Send header, \d+ bytes/m);
  const report = lint(capture);
  const [exchange] = report.exchanges;
  assert.equal(exchange.expected_accept, 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  assert.ok(rules(report).includes('res.accept.mismatch'), `findings: ${rules(report)}`);
  assert.equal(exchange.verdict.browser_accepts, false);
});

test('curl -v against /reject/426: the refusal is explained', () => {
  const capture = curl('/reject/426', ['--verbose'], 'stderr');
  const report = lint(capture);
  const [exchange] = report.exchanges;
  assert.equal(exchange.response.status, 426);
  assert.ok(rules(report).includes('res.status'), `findings: ${rules(report)}`);
  assert.equal(exchange.verdict.browser_accepts, false);
});

test('a curl command as DevTools copies it: bash runs it, and the linter reads the request curl sent', () => {
  // "Copy as cURL (bash)" style: single quotes, $'…' with escapes, double
  // quotes, line continuations, a flag with no value.
  const command = [
    `curl '${lab.httpUrl}/echo?room=1' \\`,
    `  -H 'Upgrade: websocket' \\`,
    `  -H 'Origin: ${lab.httpUrl}' \\`,
    `  -H 'Connection: Upgrade' \\`,
    `  -H 'Sec-WebSocket-Key: ${KEY}' \\`,
    `  -H 'Sec-WebSocket-Version: 13' \\`,
    `  -H $'X-Note: caf\\u00e9 \\'quoted\\'' \\`,
    `  -H "X-Shell: \\"double\\" \\$HOME" \\`,
    `  --compressed`,
  ].join('\n');
  const fromCommand = lintWithCli(command);
  assert.equal(fromCommand.format, 'curl-command');

  // What curl really sent: the same text run by bash, with curl printing its request.
  const run = spawnSync('bash', ['-c', `${command} --http1.1 --max-time 1 --silent --output /dev/null --verbose`], {
    timeout: 10_000,
  });
  assert.ok([0, 28].includes(run.status), `curl exited ${run.status}: ${run.stderr}`);
  const sent = lintWithCli(run.stderr);
  assert.equal(sent.format, 'curl');

  const request = (report) => report.exchanges[0].request;
  // curl adds User-Agent and Accept (and Accept-Encoding for --compressed) itself.
  const own = ['user-agent', 'accept', 'accept-encoding'];
  const fields = (report) =>
    request(report)
      .headers.filter((h) => !own.includes(h.name.toLowerCase()))
      .map((h) => `${h.name.toLowerCase()}: ${h.value}`)
      .sort();
  assert.equal(request(fromCommand).method, request(sent).method);
  assert.equal(request(fromCommand).target, request(sent).target);
  assert.equal(request(fromCommand).target, '/echo?room=1');
  assert.deepEqual(fields(fromCommand), fields(sent));
  assert.ok(fields(fromCommand).includes(`x-note: café 'quoted'`), fields(fromCommand).join('\n'));
  assert.ok(fields(fromCommand).includes('x-shell: "double" $HOME'), fields(fromCommand).join('\n'));
  const requestRules = (report) => rules(report).filter((id) => id.startsWith('req.')).sort();
  assert.deepEqual(requestRules(fromCommand), requestRules(sent));
  assert.equal(fromCommand.exchanges[0].verdict.server_accepts, sent.exchanges[0].verdict.server_accepts);
});
