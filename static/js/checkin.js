// Check-in forms: keep one submission id per filled form, so a resend is stored once;
// hold a form on the phone while there is no network and send it when the network is back.
(function () {
  var QUEUE_KEY = "fieldops-checkin-outbox";

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "x" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  document.querySelectorAll("input[data-submission-id]").forEach(function (input) {
    // The server rendered an id (no-JS phones resend it); only fill one if missing.
    if (!input.value) input.value = newId();
  });

  // Coming back with the Back button shows a form that was already sent: give it a new id,
  // or the next person's entry would be taken as a resend of the previous one.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("input[data-submission-id]").forEach(function (input) {
      input.value = newId();
    });
  });

  function outbox() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox(items) {
    try { localStorage.setItem(QUEUE_KEY, JSON.stringify(items)); } catch (e) { /* full */ }
  }

  function flush() {
    var items = outbox();
    if (!items.length || !navigator.onLine) return;
    var item = items[0];
    fetch(item.url, {method: "POST", body: new URLSearchParams(item.body),
                     headers: {"Content-Type": "application/x-www-form-urlencoded"},
                     redirect: "follow", credentials: "same-origin"})
      .then(function (response) {
        // Any answer from the server settles it: the same id is never stored twice.
        saveOutbox(outbox().filter(function (i) { return i.id !== item.id; }));
        if (response.redirected && item.here === location.pathname) {
          location.href = response.url;
        } else {
          flush();
        }
      })
      .catch(function () { /* still offline: try again on the next "online" event */ });
  }
  window.addEventListener("online", flush);
  flush();

  document.querySelectorAll("form[data-submitting]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("button[type=submit]");
      if (form.dataset.offline && !navigator.onLine) {
        event.preventDefault();
        var body = Array.from(new FormData(form).entries());
        var id = (form.querySelector("input[data-submission-id]") || {}).value;
        saveOutbox(outbox().concat([{id: id, url: form.action || location.href,
                                     here: location.pathname, body: body}]));
        var note = form.querySelector(".offline-note");
        if (note) note.hidden = false;
        return;
      }
      // A second tap while the first is on its way would only be a replay; spare the network.
      if (button) { button.disabled = true; button.textContent = form.dataset.submitting; }
    });
  });

  // A failure reason only makes sense when the outcome is "failed".
  document.querySelectorAll("[data-outcome]").forEach(function (block) {
    var outcome = block.querySelector("select[name^=outcome_]");
    var reason = block.querySelector(".reason");
    if (!outcome || !reason) return;
    function sync() { reason.style.display = outcome.value === "failed" ? "" : "none"; }
    outcome.addEventListener("change", sync);
    sync();
  });
})();
