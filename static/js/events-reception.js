// Reception tap counter: each tap is a form sent through the phone's outbox (outbox-page.js,
// data-outbox="stay") under its own tap id, so a resend counts once and nothing tapped
// without network is lost. The counts drawn are the server's last ones plus the taps still
// waiting in the outbox.
(function () {
  "use strict";
  var root = document.getElementById("reception");
  var box = window.FieldopsOutbox;
  if (!root || !box || !window.indexedDB) return;  // the plain forms still work
  var OLD_QUEUE = "fieldops-taps:";  // the counter's own queue before the outbox took over
  var groupOf = {};
  root.querySelectorAll("form.tap-form").forEach(function (form) {
    groupOf[new URL(form.action, location.href).pathname] = form.closest(".tap-card").dataset.group;
  });
  var server = countsOnPage();

  function countsOnPage() {
    var groups = {};
    root.querySelectorAll("[data-arrived]").forEach(function (cell) {
      var id = cell.getAttribute("data-arrived");
      groups[id] = {arrived: parseInt(cell.textContent, 10) || 0,
                    expected: parseInt(root.querySelector('[data-expected="' + id + '"]').textContent, 10) || 0};
    });
    return {groups: groups,
            arrived_total: parseInt(document.getElementById("arrived-total").textContent, 10) || 0,
            expected_total: parseInt(document.getElementById("expected-total").textContent, 10) || 0};
  }

  function waitingDeltas(items) {
    var deltas = {};
    items.forEach(function (item) {
      if (item.state !== box.WAITING || !item.body) return;
      var group = groupOf[new URL(item.url, location.href).pathname];
      var delta = (item.body.filter(function (p) { return p[0] === "delta"; })[0] || [])[1];
      if (group) deltas[group] = (deltas[group] || 0) + (parseInt(delta, 10) || 0);
    });
    return deltas;
  }

  function draw() {
    return box.all().then(function (items) {
      var deltas = waitingDeltas(items), total = server.arrived_total;
      Object.keys(server.groups).forEach(function (id) {
        var arrived = Math.max(0, server.groups[id].arrived + (deltas[id] || 0));
        total += arrived - server.groups[id].arrived;
        var cell = root.querySelector('[data-arrived="' + id + '"]');
        if (cell) cell.textContent = arrived;
        var card = document.getElementById("group-" + id);
        if (card) card.classList.toggle("full", server.groups[id].expected > 0 &&
                                        arrived >= server.groups[id].expected);
      });
      document.getElementById("arrived-total").textContent = total;
      document.getElementById("expected-total").textContent = server.expected_total;
    });
  }

  // Taps a phone kept in its old queue (localStorage) move into the outbox once, under their
  // own ids: a tap the server already counted is answered as a replay and counts once.
  function moveOldQueue() {
    var token = root.querySelector("input[name=csrf_token]");
    var keys = Object.keys(localStorage).filter(function (k) { return k.indexOf(OLD_QUEUE) === 0; });
    return Promise.all(keys.map(function (key) {
      var taps;
      try { taps = JSON.parse(localStorage.getItem(key)) || []; } catch (e) { taps = []; }
      return Promise.all(taps.filter(function (tap) { return tap && tap.id && tap.url; })
        .map(function (tap) {
          // The page's own token: the old one may be from before a sign-in.
          var body = [["csrf_token", token ? token.value : tap.csrf], ["tap_id", tap.id],
                      ["delta", String(tap.delta)]];
          return box.get(tap.id).then(function (known) {
            if (!known) return box.keep(tap.id, tap.url, key.slice(OLD_QUEUE.length), body, "stay",
                                        {label: tap.delta > 0 ? "+1" : "−1", fixable: false});
          });
        })).then(function () { localStorage.removeItem(key); });
    })).then(function () { return keys.length; });
  }

  document.addEventListener("fieldops:outbox", function (event) {
    var answer = event.detail && event.detail.answer;
    if (answer && answer.counts) server = answer.counts;
    draw();
  });

  function refresh() {
    fetch(root.dataset.countsUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin",
                                   cache: "no-store"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (counts) { server = counts; return draw(); })
      .catch(function () { draw(); });
  }
  if ("serviceWorker" in navigator) {
    // The service worker sent something in the background: read the counts again.
    navigator.serviceWorker.addEventListener("message", function (e) {
      if (e.data && e.data.type === "outbox") refresh();
    });
  }
  setInterval(function () { if (!document.hidden) refresh(); }, 10000);
  moveOldQueue().then(function (moved) {
    if (moved && window.FieldopsOffline) FieldopsOffline.askForSync();
    if (moved) return box.flush(true);
  }).catch(function () {}).then(refresh);
})();
