/* 一张图 (places/views.py): each checked layer's points inside the visible box, reloaded when the
   map moves; grid cells with counts where the server says there are too many; a click anywhere
   asks for the nearest resources. Coordinates are stored in CGCS2000/WGS84; when the base map is
   GCJ-02 (ANYING_MAP_CRS=gcj02) they are shifted for display and a clicked point shifted back.
   Every text from the server is set with textContent, never as HTML. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("ay-map-config").textContent);

  // --- WGS84 ⇄ GCJ-02 (coords.js) ----------------------------------------------------------------
  const { show, stored } = window.AnyingCoords.frame(config.base.crs);

  // --- the map -------------------------------------------------------------------------------
  const map = L.map("ay-map", { preferCanvas: true, zoomControl: true });
  map.fitBounds([show(...config.extent[0]), show(...config.extent[1])], { maxZoom: 14, padding: [20, 20] });
  L.control.scale({ imperial: false }).addTo(map);
  if (config.base.kind === "xyz") {
    config.base.layers.forEach((url) => L.tileLayer(url, { subdomains: config.base.subdomains || "abc", maxZoom: 18,
      attribution: config.base.attribution || "" }).addTo(map));
  }
  map.attributionControl.setPrefix("Leaflet");
  const canvas = L.canvas({ padding: 0.3 });

  fetch(config.urls.outlines, { credentials: "same-origin" }).then((r) => r.json()).then((fc) => {
    if (!fc.features.length) return;
    L.geoJSON(fc, {
      coordsToLatLng: (c) => L.latLng(show(c[1], c[0])),
      style: { color: "#455a64", weight: 1.5, fill: false, dashArray: "4 3" },
      // a DOM node, not a string: Leaflet puts string tooltips in as HTML
      onEachFeature: (f, l) => l.bindTooltip(el("span", String(f.properties.name)), { sticky: true }),
    }).addTo(map);
  }).catch(() => {});

  // areas the apps draw over the map (warnings in force): coloured outlines, a tooltip, a link
  if (config.urls.areas) {
    fetch(config.urls.areas, { credentials: "same-origin" }).then((r) => r.json()).then((fc) => {
      if (!fc.features.length) return;
      L.geoJSON(fc, {
        coordsToLatLng: (c) => L.latLng(show(c[1], c[0])),
        style: (f) => ({ color: f.properties.colour, weight: 2, fillColor: f.properties.colour, fillOpacity: 0.12 }),
        onEachFeature: (f, shape) => {
          // textContent only: the label is a warning's own text (an imported CAP headline)
          const tip = document.createElement("span");
          tip.textContent = f.properties.label;
          shape.bindTooltip(tip, { sticky: true });
          // a click still asks for the nearest resources (the desk's use of the map); the popup links the warning
          if (f.properties.url) {
            const link = document.createElement("a");
            link.href = f.properties.url;
            link.textContent = f.properties.label;
            shape.bindPopup(link);
          }
        },
      }).addTo(map);
    }).catch(() => {});
  }

  function el(tag, text, cls) { const e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; }
  function popup(p) {
    const box = el("div");
    if (p.url) { const a = el("a", p.name); a.href = p.url; box.append(a); } else box.append(el("strong", p.name));
    p.lines.forEach((line) => box.append(el("div", line, "small")));
    const near = el("button", "查此处就近资源", "btn btn-sm btn-outline-primary mt-1");
    near.type = "button";
    near.addEventListener("click", () => { map.closePopup(); findNearest(L.latLng(show(p.lat, p.lon))); });
    box.append(near);
    return box;
  }

  const groups = {}, requests = {};
  function filters(code) {
    const params = new URLSearchParams();
    document.querySelectorAll(`[data-filter-layer="${code}"]`).forEach((s) => { if (s.value) params.set(s.dataset.filter, s.value); });
    return params;
  }
  function load(code) {
    const box = document.getElementById("layer-" + code);
    if (!groups[code]) groups[code] = L.layerGroup().addTo(map);
    groups[code].clearLayers();
    const count = document.querySelector(`[data-count="${code}"]`);
    if (!box.checked) { if (count) count.textContent = ""; return; }
    const b = map.getBounds(), sw = stored(b.getSouth(), b.getWest()), ne = stored(b.getNorth(), b.getEast());
    const params = filters(code);
    params.set("bbox", [sw[1], sw[0], ne[1], ne[0]].map((v) => v.toFixed(6)).join(","));
    if (requests[code]) requests[code].abort();
    requests[code] = new AbortController();
    fetch(config.urls.layer.replace("CODE", code) + "?" + params, { credentials: "same-origin", signal: requests[code].signal })
      .then((r) => r.json()).then((data) => {
        groups[code].clearLayers();
        if (data.clusters) {
          let total = 0;
          data.clusters.forEach((c) => {
            total += c.count;
            const size = c.count > 999 ? 40 : 32;
            L.marker(show(c.lat, c.lon), { icon: L.divIcon({ className: "ay-cluster", html: String(c.count), iconSize: [size, size] }),
              keyboard: false, title: `${c.count} 个` }).on("click", () => map.setView(show(c.lat, c.lon), map.getZoom() + 2))
              .addTo(groups[code]);
          });
          if (count) count.textContent = `（${total}，放大查看）`;
          return;
        }
        data.points.forEach((p) => {
          L.circleMarker(show(p.lat, p.lon), { renderer: canvas, radius: 6, color: "#fff", weight: 1, fillColor: p.colour, fillOpacity: 0.9 })
            .bindPopup(() => popup(p)).addTo(groups[code]);
        });
        if (count) count.textContent = `（${data.points.length}）`;
      }).catch(() => {});
  }
  const codes = config.layers.map((l) => l.code);
  function loadAll() { codes.forEach(load); }
  let timer = null;
  map.on("moveend", () => { clearTimeout(timer); timer = setTimeout(loadAll, 150); });
  document.querySelectorAll("[data-layer]").forEach((box) => box.addEventListener("change", () => load(box.dataset.layer)));
  document.querySelectorAll("[data-filter-layer]").forEach((s) => s.addEventListener("change", () => load(s.dataset.filterLayer)));
  loadAll();

  // --- nearest resources to a clicked point ----------------------------------------------------
  const panel = document.getElementById("ay-nearest");
  let here = null;
  map.on("click", (e) => findNearest(e.latlng));
  function findNearest(latlng) {
    const at = stored(latlng.lat, latlng.lng);
    if (here) here.remove();
    here = L.marker(latlng, { title: "所选位置" }).addTo(map);
    const params = new URLSearchParams({ lat: at[0].toFixed(6), lon: at[1].toFixed(6) });
    config.layers.filter((l) => l.resource).forEach((l) => filters(l.code).forEach((v, k) => params.set(k, v)));
    fetch(config.urls.nearest + "?" + params, { credentials: "same-origin" }).then((r) => r.json()).then((data) => {
      panel.replaceChildren(el("h2", "就近资源", "h6"));
      panel.append(el("p", `所选位置：${data.lat.toFixed(5)}, ${data.lon.toFixed(5)}（直线距离）`, "small text-body-secondary mb-2"));
      if (!data.layers.length) panel.append(el("p", "没有可查询的资源图层。", "small mb-0"));
      data.layers.forEach((layer) => {
        panel.append(el("div", layer.label, "fw-semibold small mt-2"));
        if (!layer.hits.length) { panel.append(el("div", "附近没有", "small text-body-secondary")); return; }
        const list = el("ol", null, "small ps-3 mb-1");
        layer.hits.forEach((h) => {
          const li = el("li");
          const name = h.url ? Object.assign(el("a", h.name), { href: h.url }) : el("span", h.name);
          li.append(name, el("span", ` ${h.km} 公里`, "text-body-secondary"));
          li.addEventListener("mouseenter", () => map.panTo(show(h.lat, h.lon)));
          list.append(li);
        });
        panel.append(list);
      });
    }).catch(() => { panel.append(el("p", "查询失败，请重试。", "small text-danger")); });
  }
})();
