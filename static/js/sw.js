// The field app's service worker: today's pages and the app shell kept for offline use, and the
// outbox (outbox.js) sent in the background when the network returns.
/* global FieldopsOutbox */
importScripts("/static/js/outbox.js");

var SHELL = "fieldops-shell";
var PAGES_PREFIX = "fieldops-pages-";
var NETWORK_WAIT_MS = 6000;

function pagesCache(day) { return PAGES_PREFIX + day; }

// Yesterday's pages (names, queues) leave the phone when the day is over.
function dropOtherDays(day) {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf(PAGES_PREFIX) === 0 && k !== pagesCache(day);
    }).map(function (k) { return caches.delete(k); }));
  });
}

function prepare(list) {
  return Promise.all([
    caches.open(SHELL).then(function (c) { return c.addAll(list.static); }),
    caches.open(pagesCache(list.day)).then(function (c) {
      return Promise.all(list.pages.map(function (url) {
        return fetch(url, {credentials: "same-origin"}).then(function (r) {
          if (r.ok && !r.redirected) return c.put(url, r);
        });
      }));
    }),
    dropOtherDays(list.day),
  ]);
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "prepare") return;
  var port = event.ports[0];
  event.waitUntil(prepare(data.list).then(function () { port.postMessage({ok: true}); },
                                          function () { port.postMessage({ok: false}); }));
});

function todaysPage(request) {
  return caches.keys().then(function (keys) {
    var day = keys.filter(function (k) { return k.indexOf(PAGES_PREFIX) === 0; }).sort().pop();
    return day ? caches.open(day) : null;
  }).then(function (cache) {
    return cache ? cache.match(request, {ignoreVary: true}).then(function (hit) {
      return {cache: cache, hit: hit};
    }) : {cache: null, hit: null};
  });
}

// Pages: the network first (fresh queues), the day's copy when the network is gone or too slow.
function page(request) {
  return todaysPage(request).then(function (kept) {
    var network = fetch(request).then(function (response) {
      if (kept.hit && response.ok && !response.redirected) kept.cache.put(request, response.clone());
      return response;
    });
    if (!kept.hit) {
      return network.catch(function () {
        return caches.match("/checkin/offline").then(function (r) { return r || Response.error(); });
      });
    }
    var slow = new Promise(function (resolve) { setTimeout(resolve, NETWORK_WAIT_MS, kept.hit); });
    return Promise.race([network.catch(function () { return kept.hit; }), slow]);
  });
}

// Static files: the kept copy at once, refreshed behind it for the next visit.
function staticFile(request) {
  return caches.open(SHELL).then(function (cache) {
    return cache.match(request).then(function (hit) {
      var network = fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      return hit ? (network.catch(function () {}), hit) : network;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") event.respondWith(page(request));
  else if (url.pathname.indexOf("/static/") === 0) event.respondWith(staticFile(request));
});

// Background Sync: send what waits; a failure asks the browser to try again later.
self.addEventListener("sync", function (event) {
  if (event.tag !== "outbox") return;
  event.waitUntil(FieldopsOutbox.flush(true).then(function (results) {
    return self.clients.matchAll().then(function (clients) {
      clients.forEach(function (c) { c.postMessage({type: "outbox"}); });
      if (results.some(function (r) { return r.outcome === FieldopsOutbox.WAITING; })) {
        throw new Error("still waiting");
      }
    });
  }));
});
