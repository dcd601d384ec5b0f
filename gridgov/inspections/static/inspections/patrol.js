// The patrol page: "Mark a point" takes the device's location into the form's hidden
// fields, then sends the form; the map shows the patrol's grid and the points marked so
// far, in the order taken (those outside the worker's grids in red).
(function () {
  "use strict";
  var form = document.getElementById("patrol-point");
  var status = document.getElementById("patrol-status");
  if (form) {
    if (!navigator.geolocation) {
      form.querySelector("button").disabled = true;
    }
    form.addEventListener("submit", function (e) {
      if (form.elements.lon.value) return;
      e.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      status.textContent = form.dataset.busy || "…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.lon.value = pos.coords.longitude.toFixed(6);
        form.elements.lat.value = pos.coords.latitude.toFixed(6);
        form.elements.accuracy.value = Math.round(pos.coords.accuracy);
        form.submit();
      }, function (err) {
        button.disabled = false;
        status.textContent = err.message;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
    });
  }

  var el = document.getElementById("patrol-map");
  var data = document.getElementById("patrol-points");
  if (!el || !window.L) return;
  var points = data ? JSON.parse(data.textContent) : [];
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false, keyboard: false });
  var track = points.map(function (p) { return [p.lat, p.lon]; });
  map.setView(track.length ? track[track.length - 1] : [36.0, 106.28], 15);
  var outline = null;
  if (track.length > 1) L.polyline(track, { color: "#1f3b63", weight: 3 }).addTo(map);
  points.forEach(function (p, n) {
    L.circleMarker([p.lat, p.lon], {
      radius: n === points.length - 1 ? 8 : 6, weight: 2, fillOpacity: 1,
      color: p.inside ? "#1f3b63" : "#b3261e", fillColor: p.inside ? "#fff" : "#fbe9e7"
    }).addTo(map);
  });
  fetch(el.dataset.geojsonTemplate.replace("CODE", encodeURIComponent(el.dataset.grid)), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      outline = L.geoJSON(geo, {
        filter: function (f) { return f.properties.role === "node"; },
        style: function () { return { color: "#333", weight: 2, fillColor: "#4e79a7", fillOpacity: 0.08 }; }
      }).addTo(map);
      outline.bringToBack();
      map.invalidateSize();
      // Close on the points marked (the grid may be far larger); the grid alone before.
      if (track.length > 1) {
        map.fitBounds(L.latLngBounds(track), { padding: [30, 30], maxZoom: 17, animate: false });
      } else if (track.length === 1) {
        map.setView(track[0], 16, { animate: false });
      } else if (outline.getBounds().isValid()) {
        map.fitBounds(outline.getBounds(), { padding: [10, 10], animate: false });
      }
      el.dataset.ready = String(points.length);
    })
    .catch(function () { el.dataset.ready = "error"; });
})();
