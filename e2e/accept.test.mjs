// The accept calculator in a real browser (RFC 6455 §4.2.2 vectors).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after } from 'node:test';
import { appTest, closeBrowser } from './support/browser.mjs';

after(closeBrowser);

const ACCEPT = { path: '#/accept' };
const T = { timeout: 5000 };
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const acceptOf = (key) => createHash('sha1').update(key.trim() + GUID).digest('base64');

appTest('typing the RFC key shows the RFC accept', async ({ page }) => {
  const key = page.getByLabel('Sec-WebSocket-Key');
  await key.fill('');
  await key.pressSequentially('dGhlIHNhbXBsZSBub25jZQ==');
  await assert.doesNotReject(
    page.getByLabel('Sec-WebSocket-Accept').filter({ hasText: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' }).waitFor({ timeout: 5000 }),
  );
}, ACCEPT);

appTest('a second key gives its own accept', async ({ page }) => {
  await page.getByLabel('Sec-WebSocket-Key').fill('x3JJHMbDL1EzLkh9GBhXDw==');
  const accept = page.getByLabel('Sec-WebSocket-Accept');
  await accept.filter({ hasText: 'HSmrc0sMlYUkAGmm5OPpG2HaGWk=' }).waitFor({ timeout: 5000 });
  assert.equal((await accept.textContent()).trim(), 'HSmrc0sMlYUkAGmm5OPpG2HaGWk=');
}, ACCEPT);

appTest('every step is shown: the key as typed, the GUID appended, SHA-1 in hex, base64', async ({ page }) => {
  const steps = page.locator('ol.steps > li');
  await page.getByLabel('Sec-WebSocket-Key').fill('dGhlIHNhbXBsZSBub25jZQ==');
  assert.equal(await steps.count(), 4);
  assert.match(await steps.nth(0).textContent(), /dGhlIHNhbXBsZSBub25jZQ==/);
  assert.match(await steps.nth(0).textContent(), /24 bytes/);
  assert.match(await steps.nth(0).textContent(), /64 47 68 6c/); // "dGhl" as bytes
  assert.match(await steps.nth(1).textContent(), new RegExp(`dGhlIHNhbXBsZSBub25jZQ==${GUID}`));
  assert.match(await steps.nth(2).textContent(), /b37a4f2cc0624f1690f64606cf385945b2bec4ea/);
  assert.match(await steps.nth(3).textContent(), /s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
  assert.match(await page.locator('#key-judgement').textContent(), /valid/i);
}, ACCEPT);

appTest('key problems are explained beside the input; the accept still uses the exact bytes', async ({ page }) => {
  const key = page.getByLabel('Sec-WebSocket-Key');
  const judgement = page.locator('#key-judgement');
  const accept = page.getByLabel('Sec-WebSocket-Accept');
  assert.equal(await key.getAttribute('aria-describedby'), 'key-judgement');
  const cases = [
    // RFC 6455 §4.1's own example key: 16 bytes, but not canonical base64.
    ['AQIDBAUGBwgJCgsMDQ4PEC==', /warning.*Not canonical base64.*AQIDBAUGBwgJCgsMDQ4PEA==/s],
    ['WHQ4eXhscUtKYjBvOGN3WEdtOEQ=', /error.*Decodes to 20 bytes, not 16/s],
    ['InvalidKey', /error.*padding/is],
    ['dGhlIHNhbXBs ZSBub25jZQ==', /error.*The key contains whitespace at character 13/s],
    ['dGhlIHNhbXBsZSBub25jZQ!=', /not in the base64 alphabet/],
  ];
  for (const [value, says] of cases) {
    await key.fill(value);
    await accept.filter({ hasText: acceptOf(value) }).waitFor(T);
    assert.match(await judgement.textContent(), says, value);
    assert.match(await judgement.textContent(), /computed over the characters exactly as typed/);
  }
  assert.equal(acceptOf('AQIDBAUGBwgJCgsMDQ4PEC=='), 'OfS0wDaT5NoxF2gqm7Zj2YtetzM=');
  await key.fill('  dGhlIHNhbXBsZSBub25jZQ==\t');
  await accept.filter({ hasText: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' }).waitFor(T);
  assert.match(await judgement.textContent(), /Whitespace around the key is dropped/);
}, ACCEPT);

appTest('"Generate key" makes 16 random bytes with the browser\'s crypto', async ({ page }) => {
  const key = page.getByLabel('Sec-WebSocket-Key');
  const seen = new Set();
  for (let i = 0; i < 3; i++) {
    await page.getByRole('button', { name: 'Generate key' }).click();
    const value = await key.inputValue();
    assert.match(value, /^[A-Za-z0-9+/]{21}[AQgw]==$/, value);
    assert.equal(Buffer.from(value, 'base64').length, 16);
    await page.getByLabel('Sec-WebSocket-Accept').filter({ hasText: acceptOf(value) }).waitFor(T);
    assert.match(await page.locator('#key-judgement').textContent(), /valid/i);
    seen.add(value);
  }
  assert.equal(seen.size, 3);
  assert.match(await page.locator('#announcer').textContent(), /New key/);
}, ACCEPT);

appTest('copy buttons copy and say "Copied" for a moment', async ({ page }) => {
  await page.getByLabel('Sec-WebSocket-Key').fill('x3JJHMbDL1EzLkh9GBhXDw==');
  const copy = page.getByRole('button', { name: 'Copy the accept value' });
  await copy.click();
  await page.getByRole('button', { name: 'Copied the accept value' }).waitFor(T);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'HSmrc0sMlYUkAGmm5OPpG2HaGWk=');
  assert.match(await page.locator('#announcer').textContent(), /Copied the accept value/);
  await page.getByRole('button', { name: 'Copy the accept value' }).waitFor(T);

  await page.getByRole('button', { name: 'Copy header line' }).click();
  await page.locator('.result').getByRole('button', { name: 'Copied', exact: true }).waitFor(T);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'Sec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=');
}, { ...ACCEPT, contextOptions: { permissions: ['clipboard-read', 'clipboard-write'] } });

appTest('keyboard only: type a key, generate one, copy the accept', async ({ page }) => {
  const key = page.getByLabel('Sec-WebSocket-Key');
  for (let i = 0; i < 15 && !(await key.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
  assert.ok(await key.evaluate((e) => e === document.activeElement), 'Tab never reached the key');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('x3JJHMbDL1EzLkh9GBhXDw==');
  await page.getByLabel('Sec-WebSocket-Accept').filter({ hasText: 'HSmrc0sMlYUkAGmm5OPpG2HaGWk=' }).waitFor(T);
  await page.keyboard.press('Tab');
  const generate = page.getByRole('button', { name: 'Generate key' });
  assert.ok(await generate.evaluate((e) => e === document.activeElement && e.matches(':focus-visible')));
  await page.keyboard.press('Enter');
  assert.notEqual(await key.inputValue(), 'x3JJHMbDL1EzLkh9GBhXDw==');
  const copy = page.getByRole('button', { name: 'Copy the accept value' });
  for (let i = 0; i < 10 && !(await copy.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Copied the accept value' }).waitFor(T);
}, { ...ACCEPT, contextOptions: { permissions: ['clipboard-read', 'clipboard-write'] } });
