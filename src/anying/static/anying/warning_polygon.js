/* The warning form's area on a map (warning/templates/warning/form.html): each click adds a vertex
   of the polygon, 撤销 removes the last, 清除 all; the textarea [data-ay-polygon] holds the CAP text
   ("lat,lon lat,lon …", stored coordinates) and stays the one thing the form sends, so the polygon
   can also be typed or pasted. The base map and the box to open on come from json_script
   #warning-map-config (places.views.map_config). */
(function () {
  "use strict";
  const box = document.querySelector("[data-ay-polygon-map]");
  const text = document.querySelector("[data-ay-polygon]");
  if (!box || !text || !window.L) return;
  const config = JSON.parse(document.getElementById("warning-map-config").textContent);
  const { show, stored } = window.AnyingCoords.frame(config.base.crs);
  const map = L.map(box, { zoomControl: true });
  map.fitBounds([show(...config.extent[0]), show(...config.extent[1])], { maxZoom: 13, padding: [10, 10] });
  L.control.scale({ imperial: false }).addTo(map);
  if (config.base.kind === "xyz") {
    config.base.layers.forEach((url) => L.tileLayer(url, { subdomains: config.base.subdomains || "abc", maxZoom: 18,
      attribution: config.base.attribution || "" }).addTo(map));
  }
  map.attributionControl.setPrefix("Leaflet");
  fetch(config.urls.outlines, { credentials: "same-origin" }).then((r) => r.json()).then((fc) => {
    L.geoJSON(fc, { coordsToLatLng: (c) => L.latLng(show(c[1], c[0])),
                    style: { color: "#455a64", weight: 1, fill: false, dashArray: "4 3" }, interactive: false }).addTo(map);
  }).catch(() => {});
  const shape = L.polygon([], { color: "#d63384", weight: 2 }).addTo(map);
  let points = [];  // stored [lat, lon]

  function parse(value) {
    const out = [];
    for (const pair of value.trim().split(/\s+/)) {
      const [lat, lon] = pair.split(",").map(Number);
      if (Number.isFinite(lat) && Number.isFinite(lon)) out.push([lat, lon]);
    }
    if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
    return out;
  }
  function draw() {
    shape.setLatLngs(points.map((p) => show(p[0], p[1])));
    const count = document.querySelector("[data-ay-polygon-count]");
    if (count) count.textContent = points.length ? `${points.length} 个顶点` : "未画范围";
  }
  function write() {
    text.value = points.map((p) => `${p[0].toFixed(5)},${p[1].toFixed(5)}`).join(" ");
    draw();
  }
  points = text.value.trim() ? parse(text.value) : [];
  draw();
  if (points.length > 2) map.fitBounds(shape.getBounds(), { maxZoom: 14, padding: [20, 20] });
  map.on("click", (e) => {
    if (points.length >= 100) return;  // CAP tools' advice: at most 100 vertices
    const p = stored(e.latlng.lat, e.latlng.lng);
    points.push([p[0], p[1]]);
    write();
  });
  text.addEventListener("change", () => { points = parse(text.value); draw(); });
  document.querySelector("[data-ay-polygon-undo]")?.addEventListener("click", () => { points.pop(); write(); });
  document.querySelector("[data-ay-polygon-clear]")?.addEventListener("click", () => { points = []; write(); });
})();
