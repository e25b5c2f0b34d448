// 晾晒排名 (oversight/ranking_detail.html): total score per unit, first place on top (the
// table below marks the signed-in user's own unit).
(function () {
  var el = document.getElementById("ay-ranking-chart");
  var data = document.getElementById("ay-ranking-data");
  if (!el || !data || !window.echarts) return;
  var chart = JSON.parse(data.textContent);
  if (!chart.units.length) { el.remove(); return; }
  var units = chart.units.slice().reverse();
  var totals = chart.totals.slice().reverse();
  var instance = echarts.init(el);
  instance.setOption({
    textStyle: {fontFamily: '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'},
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    grid: {left: 120, right: 40, top: 10, bottom: 20},
    xAxis: {type: "value", max: 100},
    yAxis: {type: "category", data: units, axisLabel: {interval: 0}},
    series: [{type: "bar", data: totals, label: {show: true, position: "right"},
              itemStyle: {color: "#0d6efd"}}]
  });
  window.addEventListener("resize", function () { instance.resize(); });
})();
