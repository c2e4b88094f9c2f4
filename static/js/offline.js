// The installable app's offline side, for pages: register the service worker (sw.js), have it
// download the day's pages once while online, ask for Background Sync, forget it all at sign-out.
(function () {
  "use strict";
  var box = window.FieldopsOutbox;
  var supported = box && "serviceWorker" in navigator;

  // Resolve once the day's pages are kept (or were this morning); reject when not possible.
  function getReady(workerUrl, pagesUrl, extraPages) {
    if (!supported || !navigator.onLine) return Promise.resolve();
    return navigator.serviceWorker.register(workerUrl, {scope: "/"}).then(function () {
      return Promise.all([navigator.serviceWorker.ready, box.meta("readyDay")]);
    }).then(function (r) {
      if (r[1] === box.today()) return null;  // downloaded this morning; pages refresh as they open
      return fetch(pagesUrl, {credentials: "same-origin"}).then(function (answer) {
        return answer.json();
      }).then(function (list) {
        list.pages = list.pages.concat(extraPages || []);
        return new Promise(function (resolve, reject) {
          var channel = new MessageChannel();
          channel.port1.onmessage = function (e) { (e.data && e.data.ok ? resolve : reject)(); };
          r[0].active.postMessage({type: "prepare", list: list}, [channel.port2]);
        });
      }).then(function () { return box.setMeta("readyDay", box.today()); });
    }).catch(function () { /* stays "not ready"; tried again on the next page */ });
  }

  function askForSync() {
    if (!supported) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync) return reg.sync.register("outbox");
    }).catch(function () { /* no Background Sync: pages send when they open or go online */ });
  }

  function forget() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (k) { return caches.delete(k); }));
    });
  }

  window.FieldopsOffline = {getReady: getReady, askForSync: askForSync, forget: forget};
})();
