// Real curl output, not hand-written: curl 7.x/8.x sends an upgrade request to the
// lab, and what it prints with `-v` and `--trace-ascii` is linted by the CLI as a
// curl capture, with the lab's misbehaviour found.
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
