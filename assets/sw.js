// The service worker: after one visit the released site works offline (the
// linter, the calculator and the explainer all run in the page).
//
// `cargo xtask dist` writes VERSION (a hash of every released file) and FILES
// (their names, relative to this worker) below, so each release is a new worker
// byte for byte, with a cache of its own. The browser fetches this file on each
// visit; a changed one installs, takes over at once (skipWaiting), deletes the
// older caches, and the page offers a reload. Unwritten (as `trunk serve`
// serves it), FILES is empty and the worker caches nothing.
const VERSION = 'dev';
const FILES = [];
const PREFIX = 'handshake-lab-';
const CACHE = PREFIX + VERSION;

self.addEventListener('install', (event) => {
  self.skipWaiting();
  if (FILES.length === 0) return;
  // `reload`: past the HTTP cache, so the cache holds exactly this release.
  const requests = FILES.map((file) => new Request(file, { cache: 'reload' }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k)))),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (FILES.length === 0 || request.method !== 'GET') return;
  const url = new URL(request.url);
  const scope = new URL(self.registration.scope);
  // Only this site's files; the lab server and echo servers are left to the network.
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      // A page is itself (learn.html) or else index.html (the views are #fragments).
      const hit =
        (await cache.match(request, { ignoreSearch: true })) ??
        (request.mode === 'navigate' ? await cache.match('./') : undefined);
      return hit ?? fetch(request);
    }),
  );
});
