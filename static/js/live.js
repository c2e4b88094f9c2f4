// Live pages (a citizen's ticket, a desk's queue): read their small JSON now and then instead
// of reloading the page, so that without network the last state stays on screen, saying when
// it was read. The page marks its live part with data-live="ticket|queue" and data-live-url.
(function () {
  var root = document.querySelector("[data-live-url]");
  if (!root) return;
  var line = root.querySelector("[data-live-status]");
  var every = (parseInt(root.getAttribute("data-live-every"), 10) || 30) * 1000;
  var readAt = line.getAttribute("data-time");

  function say(offline) {
    // The server wrote both sentences in the page's language, with {time} to fill in.
    var text = line.getAttribute(offline ? "data-offline" : "data-updated");
    line.textContent = text.replace("{time}", readAt);
    line.classList.toggle("offline", offline);
  }

  function field(scope, name) { return scope.querySelector('[data-field="' + name + '"]'); }

  function drawTicket(data) {
    field(root, "queue_number").textContent = data.queue_number;
    field(root, "status_label").textContent = data.status_label;
    field(root, "ahead_label").textContent = data.ahead_label ? " · " + data.ahead_label : "";
  }

  function queueRow(entry) {
    var row = root.querySelector("template[data-row]").content.firstElementChild.cloneNode(true);
    var marked = entry.status === "duplicate" || entry.status === "absent";
    row.classList.toggle("marked", marked);
    field(row, "number").textContent = entry.number;
    field(row, "name").textContent = entry.name;
    field(row, "hamlet").textContent = entry.hamlet ? "· " + entry.hamlet : "";
    var services = field(row, "services");
    entry.services.forEach(function (name) {
      var tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = name;
      services.append(tag, " ");
    });
    var label = field(row, "status_label");
    label.textContent = entry.status_label;
    label.className = "status-" + entry.status;
    field(row, "record_url").href = entry.record_url;
    field(row, "record_url").hidden = marked;
    field(row, "mark_url").action = entry.mark_url;
    field(row, "mark_url").dataset.outboxLabel = entry.number + " – " + entry.name;
    row.querySelectorAll("[data-when]").forEach(function (button) {
      button.hidden = (button.getAttribute("data-when") === "marked") !== marked;
    });
    return row;
  }

  function drawQueue(data) {
    field(root, "waiting").textContent = data.waiting;
    var rows = data.entries.map(queueRow);
    if (!rows.length) {
      rows = [root.querySelector("template[data-empty-row]").content.firstElementChild
        .cloneNode(true)];
    }
    field(root, "entries").replaceChildren.apply(field(root, "entries"), rows);
  }

  var draw = {ticket: drawTicket, queue: drawQueue}[root.getAttribute("data-live")];

  function refresh() {
    return fetch(root.getAttribute("data-live-url"), {
      headers: {Accept: "application/json"}, credentials: "same-origin", cache: "no-store",
    }).then(function (response) {
      // A sign-in page or an error page is not a state to draw: keep the last one.
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (data) {
      draw(data);
      readAt = data.updated_at;
      say(false);
    }).catch(function () { say(true); });
  }

  setInterval(function () { if (!document.hidden) refresh(); }, every);
  window.addEventListener("offline", function () { say(true); });
  window.addEventListener("online", refresh);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) refresh();
  });
  window.fieldopsLive = {refresh: refresh};
})();
