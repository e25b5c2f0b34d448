// A sensor's readings as a line (mean) over a band (min–max), with its thresholds as lines.
// <div data-ay-sensor-chart="ID"> reads a json_script block; <div data-ay-sensor-url="URL"> fetches
// /monitoring/sensors/<pk>/series/?period=… and the buttons [data-ay-period] switch the period.
(function () {
  if (!window.echarts) return;
  var NAMES = {LL: "低低报", L: "低报", H: "高报", HH: "高高报"};

  function draw(instance, data) {
    var pts = data.points || [];
    var mean = pts.map(function (p) { return [p[0], p[p.length - 1]]; });
    var low = pts.map(function (p) { return [p[0], p[p.length - 3]]; });
    var band = pts.map(function (p) { return [p[0], p[p.length - 2] - p[p.length - 3]]; });
    var marks = [];
    var th = data.thresholds || {};
    Object.keys(th).forEach(function (k) { if (th[k] !== null && th[k] !== undefined) marks.push({yAxis: th[k], name: NAMES[k] || k}); });
    (data.marks || []).forEach(function (v) { marks.push({yAxis: v}); });
    instance.setOption({
      tooltip: {trigger: "axis", valueFormatter: function (v) { return v === undefined ? "" : (+v).toFixed(3) + " " + (data.unit || ""); }},
      grid: {left: 48, right: 44, top: 16, bottom: 40},
      xAxis: {type: "time", min: data.from, max: data.to},
      yAxis: {type: "value", scale: true, name: data.unit || ""},
      dataZoom: [{type: "inside"}],
      series: [
        {type: "line", data: low, stack: "band", lineStyle: {opacity: 0}, symbol: "none", tooltip: {show: false}},
        {type: "line", data: band, stack: "band", lineStyle: {opacity: 0}, symbol: "none", areaStyle: {color: "#0d6efd", opacity: 0.15}, tooltip: {show: false}},
        {name: "均值", type: "line", data: mean, symbol: mean.length < 30 ? "circle" : "none", lineStyle: {color: "#0d6efd"},
         markLine: {symbol: "none", lineStyle: {color: "#dc3545", type: "dashed"}, label: {formatter: "{b} {c}"}, data: marks}}
      ]
    }, true);
  }

  document.querySelectorAll("[data-ay-sensor-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-ay-sensor-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (!data.points || !data.points.length) { el.textContent = "该时段没有读数。"; el.style.height = "auto"; return; }
    var instance = echarts.init(el);
    draw(instance, data);
    window.addEventListener("resize", function () { instance.resize(); });
  });

  document.querySelectorAll("[data-ay-sensor-url]").forEach(function (el) {
    var instance = echarts.init(el);
    var note = document.getElementById(el.getAttribute("data-ay-note") || "");
    function load(query) {
      fetch(el.getAttribute("data-ay-sensor-url") + "?" + query, {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (note) note.textContent = data.detail ? data.detail : (data.points && data.points.length ?
            "共 " + data.points.length + " 个" + (data.bucket === "minute" ? "分钟" : "小时") + "汇总点（均值，阴影为最小–最大）" : "该时段没有读数。");
          if (!data.detail) draw(instance, data);
        });
    }
    document.querySelectorAll("[data-ay-period]").forEach(function (b) {
      b.addEventListener("click", function () {
        document.querySelectorAll("[data-ay-period]").forEach(function (x) { x.classList.remove("active"); });
        b.classList.add("active");
        load("period=" + b.getAttribute("data-ay-period"));
      });
    });
    var range = document.getElementById("ay-range");
    if (range) range.addEventListener("submit", function (e) {
      e.preventDefault();
      load("from=" + encodeURIComponent(range.elements.from.value) + "&to=" + encodeURIComponent(range.elements.to.value));
    });
    load("period=" + (el.getAttribute("data-ay-period-default") || "24h"));
    window.addEventListener("resize", function () { instance.resize(); });
  });
})();
