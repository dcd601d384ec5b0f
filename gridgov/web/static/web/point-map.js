// The map of a located record (building, place, component) or of its form: the grid's
// outline, the record's point and a building's footprint. With data-pick, a click puts the
// location into the form's longitude and latitude fields and the marker follows what is
// typed there; choosing another grid in the form shows that grid. The fields stay the way
// to enter a location by keyboard.
(function () {
  "use strict";
  var el = document.getElementById("point-map");
  if (!el || !window.L) return;
  var form = el.closest("form");
  var lonInput = form && form.querySelector("input[name=lon]");
  var latInput = form && form.querySelector("input[name=lat]");
  var gridSelect = form && form.querySelector("select[name=grid]");
  var footprintEl = document.getElementById("point-footprint");
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false, keyboard: false });
  var outline = null;
  var marker = null;
  var shown = null;

  function number(v) { var n = parseFloat(v); return isFinite(n) ? n : null; }

  function current() {
    if (lonInput && latInput) return [number(latInput.value), number(lonInput.value)];
    return [number(el.dataset.lat), number(el.dataset.lon)];
  }

  function place() {
    var at = current();
    if (at[0] === null || at[1] === null) {
      if (marker) { map.removeLayer(marker); marker = null; }
      return;
    }
    if (!marker) {
      marker = L.circleMarker(at, { radius: 7, color: "#b3261e", weight: 2, fillColor: "#fff", fillOpacity: 1 }).addTo(map);
    } else {
      marker.setLatLng(at);
    }
  }

  function grid() {
    return gridSelect ? gridSelect.value : el.dataset.grid;
  }

  function show() {
    var code = grid();
    if (!code || code === shown) return;
    shown = code;
    fetch(el.dataset.geojsonTemplate.replace("CODE", encodeURIComponent(code)), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (outline) map.removeLayer(outline);
        outline = L.geoJSON(data, {
          filter: function (f) { return f.properties.role === "node" || f.properties.role === "building"; },
          style: function () { return { color: "#333", weight: 2, fillColor: "#4e79a7", fillOpacity: 0.12 }; },
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, { radius: 3, color: "#555", weight: 1, fillColor: "#ddd", fillOpacity: 1 });
          },
          onEachFeature: function (f, l) {
            if (f.properties.role !== "building") return;
            // A name is what someone typed: the tooltip gets it as text, never as HTML.
            var span = document.createElement("span");
            span.textContent = f.properties.name + " " + f.properties.code;
            l.bindTooltip(span);
          }
        }).addTo(map);
        var bounds = outline.getBounds();
        // The page's layout may have resized the map since it was made.
        map.invalidateSize();
        if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10], animate: false });
        if (marker) marker.bringToFront();
        el.dataset.ready = String(data.features.length);
      })
      .catch(function () { el.dataset.ready = "error"; });
  }

  if (footprintEl) {
    var shape = JSON.parse(footprintEl.textContent);
    if (shape) L.geoJSON(shape, { style: { color: "#b3261e", weight: 2, fillOpacity: 0.25 } }).addTo(map);
  }
  var start = current();
  map.setView(start[0] !== null && start[1] !== null ? start : [36.0, 106.28], 15);
  place();
  show();

  if (el.dataset.pick && lonInput && latInput) {
    map.on("click", function (e) {
      lonInput.value = e.latlng.lng.toFixed(6);
      latInput.value = e.latlng.lat.toFixed(6);
      place();
    });
    lonInput.addEventListener("input", place);
    latInput.addEventListener("input", place);
  }
  if (gridSelect) gridSelect.addEventListener("change", show);
})();
