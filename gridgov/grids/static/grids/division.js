// The division draft's map: today's grids dashed, the proposed grids filled by number,
// blocks outlined; a block clicked is the one to move, then a block of another grid
// clicked names the grid it moves to (the move form's fields).
(function () {
  "use strict";
  var el = document.getElementById("division-map");
  if (!el || !window.L) return;
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!el.dataset.tiles });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
  function text(s) { var span = document.createElement("span"); span.textContent = s; return span; }
  var blockField = document.getElementById("id_block");
  var toField = document.getElementById("id_to");
  var picked = null;
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var order = { proposed: 0, today: 1, block: 2 };
      data.features.sort(function (a, b) { return order[a.properties.role] - order[b.properties.role]; });
      var layer = L.geoJSON(data, {
        style: function (f) {
          var p = f.properties;
          if (p.role === "today") return { color: "#111", weight: 2, dashArray: "6 4", fill: false };
          if (p.role === "block") return { color: "#666", weight: 0.5, fillOpacity: 0 };
          var c = palette[(p.number - 1) % palette.length];
          return { color: p.ok ? "#333" : "#b3261e", weight: p.ok ? 1 : 3, fillColor: c, fillOpacity: 0.45 };
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          if (p.role === "proposed") {
            l.bindTooltip(text(el.dataset.labelGrid + " " + p.number + (p.kept ? " (" + p.kept + ")" : "") + " · " + el.dataset.labelHouseholds + " " + p.households), { sticky: true });
          } else if (p.role === "today") {
            l.bindTooltip(text(p.name + " " + p.code), { sticky: true });
          } else if (p.role === "block") {
            l.bindTooltip(text(el.dataset.labelBlock + " " + p.block + " · " + el.dataset.labelGrid + " " + p.grid + " · " + el.dataset.labelHouseholds + " " + p.households), { sticky: true });
            l.on("click", function () {
              // First click: the block to move (outlined). A click on a block of another
              // grid then: the grid it moves to.
              if (picked && picked.feature.properties.grid !== p.grid && toField) {
                toField.value = String(p.grid);
                toField.focus();
                return;
              }
              if (picked) picked.setStyle({ weight: 0.5, color: "#666" });
              picked = l;
              l.setStyle({ weight: 3, color: "#111" });
              if (blockField) { blockField.value = p.block; blockField.focus(); }
            });
          }
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
      el.dataset.ready = String(data.features.length);
    })
    .catch(function () { el.dataset.ready = "error"; });
})();
