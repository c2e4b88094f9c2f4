// The outbox on a page: forms marked data-outbox are kept before sending (outbox.js), checked
// first by the attributes the server drew from its rules, and sent now or later; the status
// bar (outbox-bar.js) shows what waits; the service worker keeps today's pages.
(function () {
  "use strict";
  var box = window.FieldopsOutbox;
  var bar = window.FieldopsOutboxBar;
  if (!box || !bar || !window.indexedDB) return;
  var t = bar.t, el = bar.el, problemText = bar.problemText, refresh = bar.refresh;

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "x" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  // --- the form: check, keep, send -----------------------------------------------------------

  function clearErrors(form) {
    form.querySelectorAll(".outbox-error").forEach(function (n) { n.remove(); });
    form.querySelectorAll(".outbox-has-error").forEach(function (n) {
      n.classList.remove("has-error", "outbox-has-error");
    });
  }
  function showError(form, name, message) {
    var input = name ? form.querySelector("[name='" + name + "']") : null;
    var holder = input ? input.closest(".field, fieldset") || input.parentNode : null;
    if (!holder) {
      var flash = el("div", "flash flash-error outbox-error", message);
      flash.setAttribute("role", "alert");
      form.insertBefore(flash, form.firstChild);
      return;
    }
    holder.classList.add("has-error", "outbox-has-error");
    var line = el("p", "error outbox-error", message);
    line.setAttribute("role", "alert");
    holder.appendChild(line);
  }
  function showItemErrors(form, item) {
    clearErrors(form);
    if (item.problem) showError(form, "", problemText(item.problem));
    Object.keys(item.errors || {}).forEach(function (name) {
      item.errors[name].forEach(function (m) { showError(form, name, m); });
    });
  }


  // The browser checks required/pattern/maxlength drawn from the server's rules; the messages
  // are the server's too (data-required-message, data-pattern-message).
  function checkFields(form) {
    clearErrors(form);
    var first = null;
    form.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (!input.willValidate || input.checkValidity()) return;
      var v = input.validity;
      var message = v.valueMissing ? input.dataset.requiredMessage
        : v.patternMismatch ? input.dataset.patternMessage : null;
      showError(form, input.name, message || input.validationMessage);
      first = first || input;
    });
    if (first) first.focus();
    return !first;
  }

  function fill(form, body) {
    form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (i) {
      i.checked = false;
    });
    body.forEach(function (pair) {
      if (pair[0] === "csrf_token") return;  // the page's own token is the fresh one
      form.querySelectorAll("[name='" + pair[0] + "']").forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") {
          if (input.value === pair[1]) input.checked = true;
        } else {
          input.value = pair[1];
        }
      });
    });
    form.querySelectorAll("select").forEach(function (s) { s.dispatchEvent(new Event("change")); });
  }

  function setBusy(form, busy) {
    var button = form.querySelector("button[type=submit]");
    if (!button) return;
    if (busy) {
      button.dataset.label = button.dataset.label || button.textContent;
      button.textContent = form.dataset.submitting || button.textContent;
    } else if (button.dataset.label) {
      button.textContent = button.dataset.label;
    }
    button.disabled = busy;
  }

  function note(form, text) {
    var line = form.querySelector(".outbox-note");
    if (!line) {
      line = el("p", "outbox-note offline-note flash flash-info");
      line.setAttribute("role", "status");
      form.appendChild(line);
    }
    line.textContent = text;
    line.hidden = !text;
  }

  // Ready for the next person: a fresh form and submission id (what was kept stays kept).
  function resetForNext(form) {
    var kept = Array.from(form.querySelectorAll("input[type=hidden]")).map(function (i) {
      return [i, i.value];
    });
    form.reset();
    kept.forEach(function (pair) { pair[0].value = pair[1]; });
    form.querySelector("input[data-submission-id]").value = newId();
    form.querySelectorAll("select").forEach(function (s) { s.dispatchEvent(new Event("change")); });
  }

  function modeOf(item) { return item.mode || (item.follow ? "follow" : "next"); }

  // Tell the page's own scripts (the reception's counts) what the outbox did with an item.
  function tell(detail) {
    document.dispatchEvent(new CustomEvent("fieldops:outbox", {detail: detail}));
  }

  function bodyOf(form, submitter) {
    var body = Array.from(new FormData(form).entries()).filter(function (pair) {
      return typeof pair[1] === "string";
    });
    // The button pressed is part of the form (the queue's Trùng / Vắng / Bỏ đánh dấu).
    if (submitter && submitter.name) body.push([submitter.name, submitter.value]);
    return body;
  }

  function extraOf(form, submitter) {
    var label = [form.dataset.outboxLabel, submitter && submitter.textContent.trim()]
      .filter(Boolean).join(" · ");
    // Only a form with something to type can show a refusal's messages to fix.
    var typed = form.querySelector("input:not([type=hidden]), select, textarea");
    return {label: label, fixable: !!typed};
  }

  // A tap that stays on its page (reception): kept and sent at once, each tap its own item;
  // no lock, since a second tap is another arrival, not a resend.
  function onTap(form, event) {
    var idInput = form.querySelector("input[data-submission-id]");
    if (!idInput.value) idInput.value = newId();
    var item = {id: idInput.value, url: form.action || location.href,
                page: location.pathname + location.search, body: bodyOf(form, event.submitter)};
    idInput.value = newId();  // the next tap is another arrival
    box.keep(item.id, item.url, item.page, item.body, "stay", extraOf(form, event.submitter))
      .then(function () {
        tell({item: item, outcome: "kept"});
        return flushAndShow(true);
      });
  }

  function onSubmit(form, event) {
    event.preventDefault();
    var mode = form.dataset.outbox || "next";
    if (mode === "stay") return onTap(form, event);
    if (form.dataset.busy) return;  // a second tap would only be a replay
    if (!checkFields(form)) return;
    var idInput = form.querySelector("input[data-submission-id]");
    if (!idInput.value) idInput.value = newId();
    var id = idInput.value;
    var body = bodyOf(form, event.submitter);
    var follow = mode === "follow";
    form.dataset.busy = "1";
    setBusy(form, true);
    box.keep(id, form.action || location.href, location.pathname + location.search, body, mode,
             extraOf(form, event.submitter))
      .then(function () { return box.get(id); })
      .then(function (item) { return box.send(item); })
      .then(function (result) {
        delete form.dataset.busy;
        setBusy(form, false);
        tell(result);
        if (result.outcome === box.SENT) {
          location.assign(result.answer.redirect);  // where the plain POST would have gone
          return;
        }
        if (result.outcome === box.ATTENTION) {
          showItemErrors(form, result.item);
        } else {
          askForSync();
          note(form, t("kept"));
          if (!follow) resetForNext(form);
        }
        refresh();
      });
  }

  function setUpForms() {
    document.querySelectorAll("input[data-submission-id]").forEach(function (input) {
      if (!input.value) input.value = newId();
    });
    // Back to a form already sent: a new id, or the next entry would count as its resend.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      document.querySelectorAll("input[data-submission-id]").forEach(function (input) {
        input.value = newId();
      });
    });
    // On the document: rows a live page draws later (the queue's) are outbox forms too.
    document.addEventListener("submit", function (event) {
      var form = event.target.closest && event.target.closest("form[data-outbox]");
      if (form) onSubmit(form, event);
    });
    var match = /^#outbox=([\w-]+)$/.exec(location.hash);
    var form = document.querySelector("form[data-outbox]");
    if (match && form) {
      box.get(match[1]).then(function (item) {
        if (!item || !item.body) return;
        fill(form, item.body);
        showItemErrors(form, item);
      });
    }
  }

  // Download the day's pages once while online (offline.js); the bar then says "ready offline".
  function getReady() {
    var shown = bar.element();
    if (!shown || !window.FieldopsOffline) return;
    var here = document.querySelector("form[data-outbox]") ? [location.pathname + location.search] : [];
    FieldopsOffline.getReady(shown.dataset.sw, shown.dataset.pages, here).then(refresh);
  }

  // Only what could not be sent now is left to Background Sync: asked at every keep, the
  // worker would send each form a second time alongside the page.
  function askForSync() {
    if (window.FieldopsOffline) FieldopsOffline.askForSync();
  }

  function flushAndShow(force) {
    return box.flush(force).then(function (results) {
      if (results.some(function (r) { return r.outcome === box.WAITING; })) askForSync();
      var here = location.pathname + location.search;
      var form = document.querySelector("form[data-outbox]");
      if (form && results.some(function (r) {
        return r.item.page === here && r.outcome !== box.WAITING;
      })) note(form, "");  // what it said ("kept, will be sent") is over
      results.forEach(function (r) {
        tell(r);
        if (r.outcome === box.SENT && modeOf(r.item) === "follow" && r.item.page === here) {
          location.assign(r.answer.redirect);  // the citizen's ticket, once it is stored
        } else if (r.outcome === box.ATTENTION && form && r.item.page === here &&
                   modeOf(r.item) === "follow" && r.item.fixable !== false) {
          fill(form, r.item.body);
          showItemErrors(form, r.item);
        }
      });
      return refresh();
    }).catch(function () { return refresh(); });
  }

  function start() {
    bar.setUp();
    setUpForms();
    box.prune().then(function () { return flushAndShow(true); });
    getReady();
    window.addEventListener("online", function () { flushAndShow(true); getReady(); });
    window.addEventListener("offline", refresh);
    setInterval(function () { flushAndShow(false); }, 3000);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", function (e) {
        if (e.data && e.data.type === "outbox") refresh();
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
