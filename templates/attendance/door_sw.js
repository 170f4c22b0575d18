/*
 * The door app's service worker, scoped to {{ url_for('door.index') }}.
 * Keeps the app's own files so a door page opens again with no network:
 * pages network-first (their latest copy from the cache when offline),
 * static files cache-first. The door list itself lives in IndexedDB
 * (door.js), never in this cache; it is served with Cache-Control: no-store.
 */
"use strict";

var PAGES = "door-pages-v1";
var FILES = "door-files-v1";
var PRECACHE = {{ [
  url_for('static', filename='js/door.js'),
  url_for('static', filename='js/checkin-scan.js'),
  url_for('static', filename='js/door-install.js'),
  url_for('static', filename='css/attendance.css'),
  url_for('static', filename='css/app.css'),
  url_for('static', filename='vendor/pico/pico.min.css'),
  url_for('static', filename='vendor/jsqr/jsQR.js'),
  url_for('static', filename='icons/door.svg'),
  url_for('static', filename='icons/door-192.png'),
]|tojson }};
var STATIC = {{ url_for('static', filename='')|tojson }};
var NEVER = ["/list.json", "/sync", "/token"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(FILES).then(function (cache) { return cache.addAll(PRECACHE); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (NEVER.some(function (end) { return url.pathname.endsWith(end); })) { return; }
  if (url.pathname.indexOf(STATIC) === 0) {
    event.respondWith(caches.match(request, { cacheName: FILES }).then(function (hit) {
      return hit || fetch(request);
    }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(PAGES).then(function (cache) { cache.put(request.url, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request.url, { cacheName: PAGES }).then(function (hit) {
        return hit || Response.error();
      });
    }));
  }
});
