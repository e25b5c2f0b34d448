/* Coordinates for the maps: stored in CGCS2000/WGS84; shifted to GCJ-02 for display when the base
   map is GCJ-02 (ANYING_MAP_CRS=gcj02), and a clicked point shifted back. The published transform;
   the inverse by fixed-point iteration. Used by map.js (一张图, 值班台) and warning_polygon.js. */
(function () {
  "use strict";
  const A = 6378245.0, EE = 0.00669342162296594323;
  function outOfChina(lat, lon) { return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271; }
  function tLat(x, y) {
    let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    r += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
    return r;
  }
  function tLon(x, y) {
    let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    r += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
    return r;
  }
  function toGcj(lat, lon) {
    if (outOfChina(lat, lon)) return [lat, lon];
    let dLat = tLat(lon - 105, lat - 35), dLon = tLon(lon - 105, lat - 35);
    const rad = lat / 180 * Math.PI, m = 1 - EE * Math.sin(rad) * Math.sin(rad), s = Math.sqrt(m);
    dLat = (dLat * 180) / ((A * (1 - EE)) / (m * s) * Math.PI);
    dLon = (dLon * 180) / (A / s * Math.cos(rad) * Math.PI);
    return [lat + dLat, lon + dLon];
  }
  function fromGcj(lat, lon) {
    let w = [lat, lon];
    for (let i = 0; i < 5; i++) { const g = toGcj(w[0], w[1]); w = [w[0] - (g[0] - lat), w[1] - (g[1] - lon)]; }
    return w;
  }
  window.AnyingCoords = {
    toGcj, fromGcj,
    // {show(lat, lon) → [lat, lon] on the base map, stored(lat, lon) → [lat, lon] to keep}
    frame(crs) {
      const gcj = crs === "gcj02";
      return { show: gcj ? (lat, lon) => toGcj(lat, lon) : (lat, lon) => [lat, lon],
               stored: gcj ? (lat, lon) => fromGcj(lat, lon) : (lat, lon) => [lat, lon] };
    },
  };
})();
