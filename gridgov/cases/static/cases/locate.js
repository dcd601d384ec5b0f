// "Use my location" on the report page: the device's position into the longitude and
// latitude fields (which the map's marker follows); the fields stay typeable.
(function () {
  "use strict";
  var button = document.getElementById("locate");
  var status = document.getElementById("locate-status");
  if (!button || !navigator.geolocation) { if (button) button.hidden = true; return; }
  var form = button.closest("form");
  button.addEventListener("click", function () {
    status.textContent = button.dataset.busy || "…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      ["lon", "lat"].forEach(function (name) {
        var input = form.querySelector("input[name=" + name + "]");
        input.value = (name === "lon" ? pos.coords.longitude : pos.coords.latitude).toFixed(6);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
      status.textContent = "±" + Math.round(pos.coords.accuracy) + " m";
    }, function (err) {
      status.textContent = err.message;
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
