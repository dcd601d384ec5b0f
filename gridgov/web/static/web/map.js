// The grid map: the current node outlined, its children filled and clickable.
// Works with no tile layer (offline networks): polygons draw on a plain background.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!el.dataset.tiles });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  // Names are what people typed: tooltips get them as text, never as HTML.
  function label(p) {
    var span = document.createElement("span");
    span.textContent = p.name + " " + p.code;
    return span;
  }
  var palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var i = 0;
      var layer = L.geoJSON(data, {
        style: function (f) {
          var p = f.properties;
          if (p.role === "node") return { color: "#b3261e", weight: 3, fill: false };
          if (p.kind === "dedicated") return { color: "#164a9c", weight: 2, dashArray: "4 3", fillOpacity: 0.35 };
          var c = palette[i++ % palette.length];
          return { color: "#333", weight: 1, fillColor: c, fillOpacity: 0.35 };
        },
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 4, color: "#333", weight: 1, fillColor: "#fff", fillOpacity: 1 });
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          l.feature.properties.gridCode = p.code;
          if (p.role === "child") {
            l.bindTooltip(label(p), { sticky: true });
            l.on("click", function () { window.location.href = p.url; });
          } else if (p.role === "building") {
            l.bindTooltip(label(p));
            if (p.url) l.on("click", function () { window.location.href = p.url; });
          }
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
      else map.setView([36.0, 106.28], 10);
      el.dataset.ready = String(data.features.length);
    })
    .catch(function () { el.dataset.ready = "error"; });
})();
