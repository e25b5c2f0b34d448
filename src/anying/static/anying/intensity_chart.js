// 三个强度: inspections and fines per unit (inspections/intensity.html).
(function () {
  var el = document.getElementById("intensity-chart");
  var data = document.getElementById("intensity-rows");
  if (!el || !data || !window.echarts) return;
  var rows = JSON.parse(data.textContent).filter(function (r) { return r.inspections > 0 || r.fines > 0; });
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: ["检查次数", "罚款（元）"], top: 0},
    grid: {left: 50, right: 60, top: 30, bottom: 60},
    xAxis: {type: "category", data: rows.map(function (r) { return r.unit; }), axisLabel: {rotate: 30}},
    yAxis: [{type: "value", name: "次", minInterval: 1}, {type: "value", name: "元"}],
    series: [
      {name: "检查次数", type: "bar", data: rows.map(function (r) { return r.inspections; })},
      {name: "罚款（元）", type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.fines; })}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
