// The accept calculator in a real browser (RFC 6455 §4.2.2 vectors).
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { appTest, closeBrowser } from './support/browser.mjs';

after(closeBrowser);

appTest('typing the RFC key shows the RFC accept', async ({ page }) => {
  const key = page.getByLabel('Sec-WebSocket-Key');
  await key.fill('');
  await key.pressSequentially('dGhlIHNhbXBsZSBub25jZQ==');
  await assert.doesNotReject(
    page.getByLabel('Sec-WebSocket-Accept').filter({ hasText: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' }).waitFor({ timeout: 5000 }),
  );
}, { path: '#/accept' });

appTest('a second key gives its own accept', async ({ page }) => {
  await page.getByLabel('Sec-WebSocket-Key').fill('x3JJHMbDL1EzLkh9GBhXDw==');
  const accept = page.getByLabel('Sec-WebSocket-Accept');
  await accept.filter({ hasText: 'HSmrc0sMlYUkAGmm5OPpG2HaGWk=' }).waitFor({ timeout: 5000 });
  assert.equal((await accept.textContent()).trim(), 'HSmrc0sMlYUkAGmm5OPpG2HaGWk=');
}, { path: '#/accept' });
