// Monthly planned vs inspected bars of an annual inspection plan (inspections/plan_detail.html).
(function () {
  var el = document.getElementById("plan-chart");
  var data = document.getElementById("plan-rows");
  if (!el || !data || !window.echarts) return;
  var rows = JSON.parse(data.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: ["计划", "已检查"], top: 0},
    grid: {left: 40, right: 10, top: 30, bottom: 25},
    xAxis: {type: "category", data: rows.map(function (r) { return r.month + "月"; })},
    yAxis: {type: "value", minInterval: 1},
    series: [
      {name: "计划", type: "bar", data: rows.map(function (r) { return r.planned; }), itemStyle: {color: "#9ec5fe"}},
      {name: "已检查", type: "bar", data: rows.map(function (r) { return r.done; }), itemStyle: {color: "#198754"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
