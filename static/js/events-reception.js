// Reception tap counter: each tap gets its own id, is queued in localStorage and sent with
// fetch; a tap resent after a dropped connection carries the same id, so it counts once.
(function () {
  var root = document.getElementById("reception");
  if (!root || !window.fetch) return;  // without JS or fetch, the plain forms still work
  var KEY = "fieldops-taps:" + location.pathname;
  var queueNote = document.getElementById("tap-queue");
  var sending = false;

  function newId() {
    // crypto.randomUUID needs HTTPS; getRandomValues also works on a LAN over http.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }

  function show(counts) {
    Object.keys(counts.groups).forEach(function (id) {
      var cell = root.querySelector('[data-arrived="' + id + '"]');
      if (cell) cell.textContent = counts.groups[id].arrived;
      var card = document.getElementById("group-" + id);
      if (card) card.classList.toggle("full", counts.groups[id].expected > 0 &&
                                      counts.groups[id].arrived >= counts.groups[id].expected);
    });
    document.getElementById("arrived-total").textContent = counts.arrived_total;
    document.getElementById("expected-total").textContent = counts.expected_total;
  }
  function note(text) {
    queueNote.hidden = !text;
    queueNote.textContent = text || "";
  }
  function showPending(queue) {
    note(queue.length ? root.dataset.offlineText.replace("{n}", queue.length) : "");
  }

  function flush() {
    if (sending) return;
    var queue = load();
    showPending(queue);
    if (!queue.length) return;
    sending = true;
    var tap = queue[0];
    var body = new FormData();
    body.append("csrf_token", tap.csrf);
    body.append("tap_id", tap.id);
    body.append("delta", tap.delta);
    fetch(tap.url, {method: "POST", body: body, credentials: "same-origin",
                    headers: {"Accept": "application/json", "X-CSRFToken": tap.csrf}})
      .then(function (response) {
        if ((response.headers.get("Content-Type") || "").indexOf("json") === -1) {
          // Signed out or the page expired: resending will not help.
          throw {fatal: true, status: response.status};
        }
        return response.json().then(function (data) { return {status: response.status, data: data}; });
      })
      .then(function (answer) {
        // Answered (counted, a resend, or refused): either way this tap is done.
        save(load().filter(function (t) { return t.id !== tap.id; }));
        if (answer.data.groups) show(answer.data);
        if (answer.data.error) alert(answer.data.error);
        sending = false;
        flush();
      })
      .catch(function (error) {
        sending = false;
        if (error && error.fatal) {
          save(load().filter(function (t) { return t.id !== tap.id; }));
          note(root.dataset.errorText + " (" + error.status + ")");
          return;
        }
        showPending(load());  // offline: keep the tap and try again later
      });
  }

  root.querySelectorAll("form.tap-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var queue = load();
      queue.push({id: newId(), url: form.action, delta: form.dataset.delta,
                  csrf: form.querySelector("[name=csrf_token]").value});
      save(queue);
      // Count it on screen at once; the server's answer corrects it.
      var card = form.closest(".tap-card");
      var cell = card.querySelector("[data-arrived]");
      var total = document.getElementById("arrived-total");
      var step = parseInt(form.dataset.delta, 10);
      if (parseInt(cell.textContent, 10) + step >= 0) {
        cell.textContent = parseInt(cell.textContent, 10) + step;
        total.textContent = parseInt(total.textContent, 10) + step;
      }
      flush();
    });
  });

  function refresh() {
    if (load().length) { flush(); return; }
    fetch(root.dataset.countsUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); }).then(show).catch(function () {});
  }
  window.addEventListener("online", flush);
  setInterval(refresh, 10000);
  flush();
})();
