// The hosted site's case, from a page origin the lab does not allow by default: the
// Live view tells apart no lab, a lab that does not share its records with this
// origin (and gives the command, copied with a button), and a lab that does,
// before any connection; then the reader's own command makes the lab share.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { APP_URL, appTest, closeBrowser, launchBrowser, waitForApp, watchProblems } from './support/browser.mjs';
import { SITE_DIR, freePort, serveSite } from './support/site.mjs';

after(closeBrowser);

const T = { timeout: 10000 };
const LAB_BIN = process.env.LAB_BIN;

/** Starts the lab with `args`; resolves once it says it listens. */
async function startLab(args) {
  const child = spawn(LAB_BIN, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise((resolve, reject) => {
    child.stdout.once('data', (data) => resolve(String(data)));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the lab exited (${code}) before listening`)));
  });
  assert.match(line, /^handshake-lab listening on ws:\/\/127\.0\.0\.1:\d+/);
  return child;
}

async function stopLab(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

test('from an origin not in the defaults: no lab, a lab that does not share, its command, then a lab that shares', async (t) => {
  if (!LAB_BIN || !SITE_DIR) {
    t.skip('needs LAB_BIN and SITE_DIR (cargo xtask e2e)');
    return;
  }
  const site = await serveSite(SITE_DIR);
  const port = await freePort();
  const at = `127.0.0.1:${port}`;
  const browser = await launchBrowser();
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  // The browser's own lines for the looks that find nothing, or a lab that does not
  // share: at the default address (nothing there, or another run's lab) and at this test's.
  const problems = watchProblems(page, [/127\.0\.0\.1:9001\//, new RegExp(`127\\.0\\.0\\.1:${port}/`)]);
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  let lab;
  try {
    await page.goto(`${site.url}#/live`);
    await waitForApp(page);
    const status = page.locator('.lab-status');
    const command = page.getByLabel('Command that starts the lab');
    const checkAgain = page.getByRole('button', { name: 'Check again' });
    const expectedCommand = `handshake-lab --listen ${at} --allow-origin ${site.origin}`;

    // 1. No lab at the address in the URL field.
    await page.getByLabel('WebSocket URL').fill(`ws://${at}/echo`);
    await status.filter({ hasText: `No lab server answers at ${at}.` }).waitFor(T);
    assert.equal(await command.textContent(), expectedCommand);

    // 2. A lab with its defaults: this origin is not among them.
    lab = await startLab(['--listen', at]);
    await checkAgain.click();
    await status.filter({ hasText: `A lab server answers at ${at} (handshake-lab ` }).waitFor(T);
    const text = await status.textContent();
    assert.match(text, new RegExp(`but it does not share its records with this page \\(${site.origin.replace(/[.]/g, '\\.')}\\)`));
    assert.equal(await command.textContent(), expectedCommand);
    await page.getByRole('button', { name: 'Copy the command that starts the lab' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor(T);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, expectedCommand);
    assert.deepEqual(sockets, [], 'telling the states apart opened no socket');

    // 3. The reader runs the copied command; the lab now shares with this page.
    await stopLab(lab);
    const [program, ...args] = copied.split(' ');
    assert.equal(program, 'handshake-lab');
    lab = await startLab(args);
    await checkAgain.click();
    await status.filter({ hasText: `A lab server answers at ${at} (handshake-lab ` }).filter({ hasText: 'and shares its records with this page' }).waitFor(T);
    assert.equal(await command.count(), 0, 'no command once the lab shares');
    assert.deepEqual(sockets, []);

    // And a connection shows both sides of its handshake, from the lab's record.
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByLabel('Request bytes').waitFor(T);
    assert.match(await page.getByLabel('Request bytes').textContent(), new RegExp(`^GET /echo\\?id=[0-9a-f]{16} HTTP/1.1\r\n`));
    assert.match(await page.getByLabel('Request bytes').textContent(), new RegExp(`\r\nOrigin: ${site.origin.replace(/[.]/g, '\\.')}\r\n`, 'i'));
    assert.equal(sockets.length, 1);
    assert.deepEqual(problems, [], 'the page logged errors');
  } finally {
    if (lab) await stopLab(lab);
    await context.close();
    await site.close();
  }
});

/** Each place that says how to get the tools: cargo install from the repository, or a release. */
async function assertGetTools(where, scope) {
  const text = await scope.locator('.get-tools').textContent();
  for (const want of [
    /cargo install --locked --git https:\/\/github\.com\/\S+ handshake-lab/,
    /cargo install --locked --git https:\/\/github\.com\/\S+ handshake-cli/,
    /SHA-256 checksums/,
  ]) {
    assert.match(text, want, where);
  }
  assert.match(await scope.locator('.get-tools a').getAttribute('href'), /^https:\/\/github\.com\/.+\/releases\/latest$/, where);
}

appTest('the Live view and Learn say how to get the lab server and the command line tool', async ({ page }) => {
  await page.getByText('Get the lab server and the command line tool').click();
  await page.locator('.get-tools').waitFor(T);
  await assertGetTools('Live', page.locator('.live'));
  await page.goto(`${APP_URL}#/learn?at=simulate`);
  await waitForApp(page);
  await assertGetTools('Learn', page.locator('#simulate'));
}, { path: '#/live', allowConsoleErrors: [/\(http:\/\/127\.0\.0\.1:9001\/(\.well-known\/handshake-lab)?\)$/] });
