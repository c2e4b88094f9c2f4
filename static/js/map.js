// The hamlet map: one GeoJSON layer filled from our endpoint, coloured by team, with popups.
// Loaded by the folium map (see fieldops/teams/maps.py) right after Leaflet, from our server.
var FieldopsMap = (function () {
  "use strict";
  var api = {map: null, layer: null, url: null};

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;  // textContent: names typed by users never become HTML
    if (cls) el.className = cls;
    return el;
  }

  function popup(props, labels) {
    var box = document.createElement("div");
    box.className = "hamlet-popup";
    box.appendChild(text("strong", props.name));
    if (props.commune) box.appendChild(text("div", props.commune, "muted"));
    if (props.population_14plus !== null && props.population_14plus !== undefined) {
      box.appendChild(text("div", labels.population + ": " +
        Number(props.population_14plus).toLocaleString("vi-VN")));
    }
    if (!props.teams.length) box.appendChild(text("div", labels.none, "muted"));
    props.teams.forEach(function (team) {
      var row = text("div", "", "popup-team");
      var swatch = text("span", "", "swatch");
      swatch.style.background = team.color;
      row.appendChild(swatch);
      row.appendChild(text("b", team.name));
      if (team.lead) {
        row.appendChild(text("div", labels.lead + ": " + team.lead));
      }
      if (team.phone) {
        var link = text("a", team.phone);
        link.href = "tel:" + team.phone;
        row.appendChild(link);
      }
      team.days.forEach(function (d) { row.appendChild(text("div", d, "muted")); });
      box.appendChild(row);
    });
    return box;
  }

  function style(feature) {
    var c = feature.properties.color;
    return {color: c, weight: 2, opacity: 0.9, fillColor: c,
            fillOpacity: feature.properties.teams.length ? 0.45 : 0.15};
  }

  function load(labels) {
    return fetch(api.url, {credentials: "same-origin", headers: {Accept: "application/geo+json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        api.layer.clearLayers();
        api.layer.addData(data);
        var own = L.featureGroup();
        api.layer.eachLayer(function (l) { if (l.feature.properties.own) own.addLayer(l); });
        // A team lead sees their own hamlets first: zoom to them when there are some.
        var target = own.getLayers().length ? own : api.layer;
        if (target.getLayers().length) api.map.fitBounds(target.getBounds(), {maxZoom: 16, padding: [12, 12]});
        document.dispatchEvent(new CustomEvent("hamlets:loaded", {detail: data}));
      })
      .catch(function () {
        var note = document.getElementById("map-status");
        if (note) note.textContent = labels.error;
      });
  }

  api.hamletLayer = function (map, url, labels) {
    api.map = map;
    api.url = url;
    api.layer = L.geoJson(null, {
      style: style,
      // Hamlets known only by a point are drawn as circles.
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, {radius: 9}); },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(function () { return popup(feature.properties, labels); });
      }
    });
    api.reload = function () { return load(labels); };
    load(labels);
    return api.layer;
  };
  return api;
})();
