// The service worker keeps the app shell (page, scripts, styles, icons, messages) for offline
// starts. API answers (/v1, /healthz, /readyz, /docs) are never cached: they go to the network.
const CACHE = 'sesame-shell-v1';
const SHELL = [
  '/', '/manifest.webmanifest', '/static/css/app.css',
  '/static/icons/icon.svg', '/static/icons/icon-192.png', '/static/icons/icon-512.png',
  '/static/i18n/en.json', '/static/i18n/es.json', '/static/i18n/zh.json',
  '/static/js/main.js', '/static/js/api.js', '/static/js/dom.js', '/static/js/i18n.js',
  '/static/js/live.js', '/static/js/router.js', '/static/js/session.js', '/static/js/session-store.js',
  '/static/js/ui.js',
  '/static/js/views/account.js', '/static/js/views/catalog.js', '/static/js/views/chat.js',
  '/static/js/views/company.js', '/static/js/views/contact.js', '/static/js/views/crop.js',
  '/static/js/views/forms.js', '/static/js/views/inbox.js', '/static/js/views/product.js',
  '/static/js/views/product-form.js', '/static/js/views/results.js', '/static/js/views/rfq.js',
  '/static/js/views/search.js', '/static/js/views/supplier.js',
];

function isShell(url) {
  return url.origin === self.location.origin && (url.pathname === '/' || url.pathname === '/manifest.webmanifest'
    || url.pathname.startsWith('/static/'));
}

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

// Shell files: the network first (a new release shows at once), the cache when offline.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || !isShell(url)) return;
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(event.request, copy));
    }
    return response;
  }).catch(() => caches.match(event.request, { ignoreSearch: true })));
});
