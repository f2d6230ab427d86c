// The overview: how many targets are in each status.
(function () {
  "use strict";
  const charts = window.CoopCharts;
  const chart = charts.data("status-chart-data");
  charts.draw(
    "status-chart",
    [
      {
        type: "bar",
        x: chart.labels,
        y: chart.values,
        text: chart.values.map(String),
        textposition: "auto",
        marker: { color: chart.statuses.map((status) => charts.STATUS_COLOURS[status]) },
      },
    ],
    { title: { text: chart.title }, yaxis: { rangemode: "tozero", dtick: 5 } }
  );
})();
