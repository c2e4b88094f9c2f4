// The outbox's status bar on every field page (templates/_outbox.html): the network, how many
// items wait and need attention, the last sync, "ready offline", the items themselves with a
// way to fix or drop those that need attention; signing out wipes what the phone kept.
// outbox-page.js draws it through window.FieldopsOutboxBar.
(function () {
  "use strict";
  var box = window.FieldopsOutbox;
  var bar = null, texts = {};
  if (!box || !window.indexedDB) return;

  function t(name, values) {
    var text = texts[name] || "";
    Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
    return text;
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function problemText(problem) {
    if (problem === "signin") return t("signin");
    if (problem && problem.indexOf("http:") === 0) return t("http", {code: problem.slice(5)});
    return "";
  }
  function time(ms) {
    return ms ? new Date(ms).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}) : "—";
  }

  function refresh() {
    if (!bar) return Promise.resolve();
    return Promise.all([box.all(), box.meta("syncedAt"), box.meta("readyDay")])
      .then(function (r) {
        var items = r[0];
        var waiting = items.filter(function (i) { return i.state === box.WAITING; });
        var attention = items.filter(function (i) { return i.state === box.ATTENTION; });
        bar.querySelector("[data-outbox-pending]").textContent = waiting.length;
        bar.querySelector("[data-outbox-attention]").textContent = attention.length;
        bar.querySelector("[data-outbox-attention-wrap]").hidden = !attention.length;
        bar.querySelector("[data-outbox-synced]").textContent = time(r[1]);
        bar.querySelector("[data-outbox-ready]").hidden = r[2] !== box.today();
        bar.classList.toggle("needs-attention", attention.length > 0);
        var net = bar.querySelector("[data-outbox-net]");
        net.textContent = navigator.onLine ? net.dataset.online : net.dataset.offline;
        net.classList.toggle("offline", !navigator.onLine);
        drawList(items.filter(function (i) { return i.state !== box.SENT || i.sentAt; }));
      });
  }

  function drawList(items) {
    var details = bar.querySelector("[data-outbox-details]");
    var list = bar.querySelector("[data-outbox-list]");
    list.textContent = "";
    details.hidden = !items.length;
    items.slice().reverse().slice(0, 30).forEach(function (item) {
      var row = el("li", "outbox-item " + item.state);
      row.dataset.state = item.state;
      var when = item.state === box.SENT ? item.sentAt : item.createdAt;
      row.appendChild(el("span", "tag", t(item.state)));
      row.appendChild(el("span", "", " " + time(when) + " "));
      var name = (item.body || []).filter(function (p) { return p[0] === "full_name"; })[0];
      if (name) row.appendChild(el("strong", "", name[1] + " "));
      else if (item.label) row.appendChild(el("strong", "", item.label + " "));
      if (item.state === box.ATTENTION && item.fixable === false) {
        // A tap has no form to fix: its messages are shown here, and it can only be dropped.
        var messages = [problemText(item.problem)];
        Object.keys(item.errors || {}).forEach(function (k) {
          messages = messages.concat(item.errors[k]);
        });
        row.appendChild(el("span", "error", messages.filter(Boolean).join(" ") + " "));
        row.appendChild(dropButtonFor(item));
      } else if (item.state === box.ATTENTION) {
        // The messages themselves are shown on the form, beside the fields to fix.
        var fix = el("a", "", t("fix"));
        fix.href = item.page + "#outbox=" + item.id;
        fix.addEventListener("click", function () {
          if (item.page === location.pathname + location.search) setTimeout(function () {
            location.reload();
          }, 0);
        });
        row.appendChild(document.createTextNode(" "));
        row.appendChild(fix);
        row.appendChild(document.createTextNode(" "));
        row.appendChild(dropButtonFor(item));
      }
      list.appendChild(row);
    });
  }

  function dropButtonFor(item) {
    var button = el("button", "link", t("drop"));
    button.type = "button";
    button.addEventListener("click", function () {
      if (window.confirm(t("dropConfirm"))) box.drop(item.id).then(refresh);
    });
    return button;
  }

  function setUpBar() {
    var template = document.getElementById("outbox-bar");
    if (!template) return;
    bar = template.content.firstElementChild.cloneNode(true);
    Object.keys(bar.dataset).forEach(function (key) {
      if (key.indexOf("t") === 0 && key.length > 1 && key[1] === key[1].toUpperCase()) {
        texts[key[1].toLowerCase() + key.slice(2)] = bar.dataset[key];
      }
    });
    var main = document.querySelector("main");
    main.parentNode.insertBefore(bar, main);
    var signOut = bar.dataset.signOut;
    document.querySelectorAll("form[action='" + signOut + "']").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        box.all().then(function (items) {
          var unsent = items.filter(function (i) { return i.state !== box.SENT; }).length;
          if (unsent && !window.confirm(t("signout", {n: unsent}))) return;
          // The server's answer clears the site's storage too (Clear-Site-Data).
          return box.wipe().then(function () {
            return window.FieldopsOffline && FieldopsOffline.forget();
          }).then(function () {
            form.submit();
          });
        });
        event.preventDefault();
      });
    });
  }

  window.FieldopsOutboxBar = {
    setUp: setUpBar, refresh: refresh, t: t, el: el, problemText: problemText,
    element: function () { return bar; }
  };
})();
