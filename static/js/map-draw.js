// Draw or correct a hamlet's boundary: click to add corners, double-click or "Lưu" to close it,
// and post the polygon as GeoJSON (with the CSRF token) to the server, which checks it.
(function () {
  "use strict";
  var panel = document.getElementById("draw-panel");
  if (!panel || typeof FieldopsMap === "undefined") return;
  var select = document.getElementById("draw-hamlet");
  var buttons = {
    start: document.getElementById("draw-start"), undo: document.getElementById("draw-undo"),
    save: document.getElementById("draw-save"), cancel: document.getElementById("draw-cancel")
  };
  var status = document.getElementById("draw-status");
  var say = panel.dataset;
  var points = [], line = null, drawing = false;

  function map() { return FieldopsMap.map; }

  function show(message, bad) {
    status.textContent = message;
    status.className = bad ? "error" : "muted";
  }

  function refresh() {
    buttons.start.disabled = drawing;
    buttons.undo.disabled = !drawing || !points.length;
    buttons.save.disabled = !drawing || points.length < 3;
    buttons.cancel.disabled = !drawing;
    select.disabled = drawing;
    if (line) line.setLatLngs(points.length > 2 ? points.concat([points[0]]) : points);
  }

  function onClick(e) {
    points.push(e.latlng);
    show(say.count.replace("{n}", points.length));
    refresh();
  }

  function stop() {
    drawing = false;
    points = [];
    if (line) { map().removeLayer(line); line = null; }
    map().off("click", onClick);
    map().off("dblclick", save);
    map().doubleClickZoom.enable();
    map().getContainer().classList.remove("drawing");
    refresh();
  }

  function start() {
    if (!select.value) { show(say.pick, true); return; }
    drawing = true;
    points = [];
    line = L.polyline([], {color: "#b3261e", weight: 3, dashArray: "6 4"}).addTo(map());
    // A double-click finishes the shape instead of zooming in.
    map().doubleClickZoom.disable();
    map().on("click", onClick);
    map().on("dblclick", save);
    map().getContainer().classList.add("drawing");
    show(say.help);
    refresh();
  }

  function save() {
    // The two clicks of a double-click land on the same spot: keep that corner once.
    points = points.filter(function (p, i) { return i === 0 || !p.equals(points[i - 1]); });
    if (points.length < 3) { show(say.few, true); return; }
    var ring = points.map(function (p) {
      return [Math.round(p.lng * 1e6) / 1e6, Math.round(p.lat * 1e6) / 1e6];
    });
    ring.push(ring[0]);
    var url = panel.dataset.url.replace("/0/boundary", "/" + select.value + "/boundary");
    buttons.save.disabled = true;
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": panel.dataset.csrf},
      body: JSON.stringify({geometry: {type: "Polygon", coordinates: [ring]}})
    }).then(function (r) {
      return r.json().then(function (body) { return {ok: r.ok, body: body}; });
    }).then(function (res) {
      if (res.ok) {
        stop();
        show(res.body.message);
        FieldopsMap.reload();
      } else {
        show(res.body.error || say.failed, true);
        refresh();
      }
    }).catch(function () { show(say.failed, true); refresh(); });
  }

  // The list of hamlets comes with the map data (cached), not inside the page: a campaign
  // may hold thousands of them.
  document.addEventListener("hamlets:loaded", function (e) {
    var chosen = select.value;
    var items = e.detail.features.map(function (f) {
      return {id: f.properties.id, label: f.properties.name + " · " + f.properties.commune};
    }).concat((e.detail.properties.shapeless || []).map(function (h) {
      return {id: h.id, label: h.name};
    }));
    items.sort(function (a, b) { return a.label.localeCompare(b.label, "vi"); });
    while (select.options.length > 1) select.remove(1);
    items.forEach(function (item) {
      select.add(new Option(item.label, item.id, false, String(item.id) === chosen));
    });
  });

  buttons.start.addEventListener("click", start);
  buttons.undo.addEventListener("click", function () { points.pop(); refresh(); });
  buttons.save.addEventListener("click", save);
  buttons.cancel.addEventListener("click", function () { stop(); show(""); });
  refresh();
})();
