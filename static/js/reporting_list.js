// The reporting page: per province, the shares of HTX reported, rated and on time, side by side.
(function () {
  "use strict";
  const charts = window.CoopCharts;
  const chart = charts.data("reporting-chart-data");
  if (!chart || !chart.provinces.length) {
    return;
  }
  const traces = chart.series.map(function (serie) {
    return { type: "bar", name: serie.name, x: chart.provinces, y: serie.values };
  });
  charts.draw("reporting-chart", traces, {
    title: { text: chart.title },
    barmode: "group",
    xaxis: { type: "category" },
    yaxis: { range: [0, 100], ticksuffix: "%" },
  });
})();
