// A plan: each target's achievement in percent of its target, with the 100% line.
(function () {
  "use strict";
  const charts = window.CoopCharts;
  const chart = charts.data("plan-chart-data");
  if (!chart.values.length) {
    return;
  }
  charts.draw(
    "plan-chart",
    [
      {
        type: "bar",
        orientation: "h",
        y: chart.labels,
        x: chart.values,
        marker: { color: chart.statuses.map((status) => charts.STATUS_COLOURS[status]) },
        hovertemplate: "%{y}: %{x:.1f}%<extra></extra>",
      },
    ],
    {
      title: { text: chart.title },
      height: 120 + 28 * chart.values.length,
      margin: { l: 8, r: 16, t: 48, b: 40 },
      yaxis: { automargin: true, autorange: "reversed" },
      xaxis: { title: { text: chart.axis }, rangemode: "tozero" },
      shapes: [{ type: "line", x0: 100, x1: 100, yref: "paper", y0: 0, y1: 1, line: { dash: "dash", color: "#212529" } }],
    }
  );
})();
