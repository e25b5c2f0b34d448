// 综合看板 (oversight/dashboard.html): the hazard trend and channel charts. Clicking a bar or a
// slice opens the hazards it counts; the same figures are links in the page for keyboards.
(function () {
  var data = document.getElementById("ay-dashboard-data");
  if (!data || !window.echarts) return;
  var chart = JSON.parse(data.textContent);
  var charts = [];
  // Canvas text needs a CJK face named explicitly, or some systems draw boxes
  var textStyle = {fontFamily: '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif', fontSize: 12};
  var trendEl = document.getElementById("ay-trend-chart");
  if (trendEl) {
    var t = chart.trend;
    var trend = echarts.init(trendEl);
    trend.setOption({
      textStyle: textStyle,
      tooltip: {trigger: "axis"},
      legend: {data: ["发现", "销号"], top: 0},
      grid: {left: 45, right: 15, top: 30, bottom: 30},
      xAxis: {type: "category", data: t.labels},
      yAxis: {type: "value", minInterval: 1},
      series: [
        {name: "发现", type: "bar", data: t.found, itemStyle: {color: "#dc3545"}},
        {name: "销号", type: "bar", data: t.closed, itemStyle: {color: "#198754"}}
      ]
    });
    trend.on("click", function (p) {
      var urls = p.seriesName === "发现" ? t.found_urls : t.closed_urls;
      if (urls[p.dataIndex]) window.location.href = urls[p.dataIndex];
    });
    charts.push(trend);
  }
  var channelEl = document.getElementById("ay-channel-chart");
  if (channelEl) {
    if (!chart.channels.length) { channelEl.remove(); } else {
      var pie = echarts.init(channelEl);
      pie.setOption({
        textStyle: textStyle,
        tooltip: {trigger: "item", formatter: "{b}：{c}（{d}%）"},
        series: [{type: "pie", radius: ["28%", "52%"], center: ["50%", "52%"], data: chart.channels,
                  label: {formatter: "{b}\n{d}%", lineHeight: 15}}]
      });
      pie.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
      charts.push(pie);
    }
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
