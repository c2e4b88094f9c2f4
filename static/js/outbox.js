// The phone's outbox: every form a field phone sends is kept in IndexedDB under its submission
// id until the server says it stored it (or already had it). A refusal keeps it, with the
// server's messages; a 5xx, 429, time-out or no network leaves it waiting, retried with back-off.
// The core runs in pages and in the service worker (sw.js imports this file); the part that
// draws the form and the status bar runs only in pages (outbox-page.js).
(function (root) {
  "use strict";
  var DB = "fieldops-outbox", ITEMS = "items", META = "meta";
  var WAITING = "waiting", SENT = "sent", ATTENTION = "attention";
  var TIMEOUT_MS = 20000, FIRST_WAIT_MS = 2000, LONGEST_WAIT_MS = 5 * 60000;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(ITEMS, {keyPath: "id"});
        request.result.createObjectStore(META);
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Run fn(store) in one transaction; resolve with the result of the request it returns.
  function run(storeName, mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var request = fn(tx.objectStore(storeName));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() {
    return run(ITEMS, "readonly", function (s) { return s.getAll(); }).then(function (items) {
      return items.sort(function (a, b) { return a.createdAt - b.createdAt; });
    });
  }
  function get(id) { return run(ITEMS, "readonly", function (s) { return s.get(id); }); }
  function put(item) { return run(ITEMS, "readwrite", function (s) { return s.put(item); }); }
  function drop(id) { return run(ITEMS, "readwrite", function (s) { return s.delete(id); }); }
  function meta(key) { return run(META, "readonly", function (s) { return s.get(key); }); }
  function setMeta(key, value) {
    return run(META, "readwrite", function (s) { return s.put(value, key); });
  }
  function wipe() {
    return Promise.all([run(ITEMS, "readwrite", function (s) { return s.clear(); }),
                        run(META, "readwrite", function (s) { return s.clear(); })]);
  }

  // Keep a filled form: replaces an earlier copy with the same submission id (a fixed resend).
  // `mode` says what the page does once it is stored: "follow" and "next" open the answer's
  // page, "stay" (a reception tap) stays and draws the answer. `extra` is {label, fixable}:
  // what the status bar lists, and whether the page's form can show its messages to fix.
  function keep(id, url, page, body, mode, extra) {
    extra = extra || {};
    return put({id: id, url: url, page: page, body: body, mode: mode || "next",
                follow: mode === "follow", label: extra.label || "",
                fixable: extra.fixable !== false, state: WAITING, tries: 0, nextAt: 0,
                errors: null, problem: null, createdAt: Date.now()});
  }

  function post(item) {
    var controller = typeof AbortController !== "undefined" ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT_MS);
    return fetch(item.url, {
      method: "POST", body: new URLSearchParams(item.body), credentials: "same-origin",
      // A sign-in redirect must not be followed: it would answer 200 with the sign-in page.
      redirect: "manual", signal: controller ? controller.signal : undefined,
      headers: {"X-Fieldops-Outbox": "1", "Accept": "application/json"}
    }).then(function (response) {
      clearTimeout(timer);
      var json = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
      return (json ? response.json() : Promise.resolve(null)).catch(function () { return null; })
        .then(function (answer) {
          return {code: response.status, redirected: response.type === "opaqueredirect",
                  answer: answer};
        });
    }, function () { clearTimeout(timer); return {code: 0, answer: null}; });
  }

  function retryLater(item, problem) {
    item.state = WAITING;
    item.problem = problem;
    item.tries += 1;
    var wait = Math.min(FIRST_WAIT_MS * Math.pow(2, item.tries - 1), LONGEST_WAIT_MS);
    item.nextAt = Date.now() + wait * (0.75 + Math.random() / 2);  // spread a crowd's retries
    return put(item);
  }

  // Send one item and settle it: forgotten when stored, kept with messages when refused,
  // kept waiting otherwise. Resolves with {item, outcome: sent|attention|waiting, answer}.
  function send(item) {
    return post(item).then(function (result) {
      var answer = result.answer;
      if (answer && (answer.status === "stored" || answer.status === "replay")) {
        return drop(item.id).then(function () {
          return put({id: item.id, state: SENT, sentAt: Date.now(), createdAt: item.createdAt});
        }).then(function () { return setMeta("syncedAt", Date.now()); }).then(function () {
          return {item: item, outcome: SENT, answer: answer};
        });
      }
      if (answer && answer.status === "refused") {
        item.state = ATTENTION;
        item.errors = answer.errors || {};
        item.problem = null;
        return put(item).then(function () {
          return {item: item, outcome: ATTENTION, answer: answer};
        });
      }
      var code = result.code;
      if (result.redirected) {
        return retryLater(item, "signin").then(function () { return {item: item, outcome: WAITING}; });
      }
      if (code === 0 || code === 429 || code >= 500) {
        return retryLater(item, code ? "http:" + code : "network").then(function () {
          return {item: item, outcome: WAITING, offline: code === 0};
        });
      }
      item.state = ATTENTION;
      item.errors = null;
      item.problem = "http:" + code;
      return put(item).then(function () { return {item: item, outcome: ATTENTION}; });
    });
  }

  var flushing = null, again = null;
  // Send every waiting item whose back-off is over, oldest first, one at a time; stop at the
  // first network failure (the rest would fail alike). Resolves with what each send did.
  // Asked while a flush runs, it runs once more after it: an item kept meanwhile is not
  // left for the next round.
  function flush(force) {
    if (flushing) {
      again = again || flushing.catch(function () {}).then(function () {
        again = null;
        return flush(force);
      });
      return again;
    }
    flushing = all().then(function (items) {
      var due = items.filter(function (i) {
        return i.state === WAITING && (force || !i.nextAt || i.nextAt <= Date.now());
      });
      var results = [];
      function next(index) {
        if (index >= due.length) return results;
        return send(due[index]).then(function (result) {
          results.push(result);
          if (result.offline) return results;
          return next(index + 1);
        });
      }
      return next(0);
    }).then(function (results) {
      flushing = null;
      return results;
    }, function (error) { flushing = null; throw error; });
    return flushing;
  }

  // Sent items are kept only as "sent at" (no personal data), and only for the day.
  function prune() {
    var start = new Date();
    start.setHours(0, 0, 0, 0);
    return all().then(function (items) {
      return Promise.all(items.filter(function (i) {
        return i.state === SENT && i.sentAt < start.getTime();
      }).map(function (i) { return drop(i.id); }));
    });
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" +
      String(d.getDate()).padStart(2, "0");
  }

  root.FieldopsOutbox = {
    WAITING: WAITING, SENT: SENT, ATTENTION: ATTENTION,
    all: all, get: get, put: put, drop: drop, keep: keep, send: send, flush: flush,
    meta: meta, setMeta: setMeta, wipe: wipe, prune: prune, today: today
  };
})(typeof self !== "undefined" ? self : this);
