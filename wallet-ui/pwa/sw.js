// Cachet wallet service worker: the app shell (every file of the build, listed by
// `cargo xtask` after `trunk build`) is cached on install, so the wallet opens offline.
// Only this origin's GET requests are answered from the cache; requests to issuers and
// verifiers are never cached or touched. Nothing is sent anywhere by this worker.
const VERSION = "__VERSION__";
const PRECACHE = __PRECACHE__;
const CACHE = `cachet-wallet-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("cachet-wallet-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // A navigation (any #/… route, any path) gets the app shell.
  const key = request.mode === "navigate" ? new Request("./") : request;
  event.respondWith(caches.match(key, { ignoreSearch: request.mode === "navigate" }).then((hit) => hit || fetch(request)));
});
