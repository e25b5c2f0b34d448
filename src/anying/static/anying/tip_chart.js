// 举报统计: tips and substantiated tips per category, unit or month (tips/tip_stats.html).
(function () {
  var el = document.getElementById("ay-tip-chart");
  var data = document.getElementById("ay-tip-chart-data");
  if (!el || !data || !window.echarts) return;
  var chart = JSON.parse(data.textContent);
  if (!chart.labels.length) { el.remove(); return; }
  var instance = echarts.init(el);
  instance.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: ["举报件数", "属实"], top: 0},
    grid: {left: 40, right: 20, top: 30, bottom: 60},
    xAxis: {type: "category", data: chart.labels, axisLabel: {rotate: 20}},
    yAxis: {type: "value", minInterval: 1},
    series: [
      {name: "举报件数", type: "bar", data: chart.total, itemStyle: {color: "#0d6efd"}},
      {name: "属实", type: "bar", data: chart.substantiated, itemStyle: {color: "#dc3545"}}
    ]
  });
  window.addEventListener("resize", function () { instance.resize(); });
})();
