// The released site served again, by node, on a port of its own: a page origin
// that the test run's lab does not allow, and a site whose release a test can
// swap (`site.dir = SITE_NEXT_DIR`), as a new deployment to GitHub Pages does.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { APP_URL } from './browser.mjs';

/** The release `cargo xtask e2e` built, and a second release of it (one file changed). */
export const SITE_DIR = process.env.SITE_DIR;
export const SITE_NEXT_DIR = process.env.SITE_NEXT_DIR;
/** The sub-path the site is served under (`/handshake-lab/`). */
const PREFIX = new URL(APP_URL).pathname;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves `dir` at `http://127.0.0.1:PORT/handshake-lab/`; returns { origin, url, dir, requests, close }. */
export async function serveSite(dir) {
  const site = { dir, requests: [] };
  const server = http.createServer(async (req, res) => {
    const pathname = new URL(req.url, 'http://site').pathname;
    site.requests.push(pathname);
    let rel = pathname.startsWith(PREFIX) ? decodeURIComponent(pathname.slice(PREFIX.length)) : null;
    if (rel === '' || rel?.endsWith('/')) rel += 'index.html';
    if (rel === null || rel.split('/').some((part) => part === '..' || part === '.')) {
      res.writeHead(404).end('not found\n');
      return;
    }
    try {
      const body = await readFile(path.join(site.dir, rel));
      // As GitHub Pages does.
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(rel)] ?? 'application/octet-stream', 'Cache-Control': 'max-age=600' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found\n');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.origin = `http://127.0.0.1:${server.address().port}`;
  site.url = site.origin + PREFIX;
  site.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return site;
}

/** A loopback port nothing listens on right now. */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
