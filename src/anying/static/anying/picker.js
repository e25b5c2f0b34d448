/* A location picker for any form with longitude/latitude fields (places/location_picker.html):
   a click or a dragged pin fills the fields with six decimals; typed values move the pin. No
   base map is needed (the deployment's, when configured, is not loaded here: the fields are the
   record, the map only helps). */
(function () {
  "use strict";
  document.querySelectorAll("[data-ay-location-picker]").forEach((box) => {
    const lat = document.getElementById(box.dataset.lat), lon = document.getElementById(box.dataset.lon);
    const start = lat.value && lon.value ? [Number(lat.value), Number(lon.value)] : [29.84, 106.05];
    const map = L.map(box).setView(start, lat.value ? 14 : 10);
    L.control.scale({ imperial: false }).addTo(map);
    let pin = null;
    function place(latlng, fill) {
      if (!pin) {
        pin = L.marker(latlng, { draggable: true, title: "位置" }).addTo(map);
        pin.on("dragend", () => place(pin.getLatLng(), true));
      } else pin.setLatLng(latlng);
      if (fill) { lat.value = latlng.lat.toFixed(6); lon.value = latlng.lng.toFixed(6); }
    }
    if (lat.value && lon.value) place(L.latLng(start), false);
    map.on("click", (e) => place(e.latlng, true));
    [lat, lon].forEach((input) => input.addEventListener("change", () => {
      if (lat.value && lon.value && !isNaN(lat.value) && !isNaN(lon.value)) {
        place(L.latLng(Number(lat.value), Number(lon.value)), false);
        map.panTo(pin.getLatLng());
      }
    }));
  });
})();
