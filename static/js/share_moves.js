// What moved a share: a waterfall from one year's share to the next, a bar per group of HTX;
// a click on a bar opens the HTX behind it.
(function () {
  "use strict";
  const charts = window.CoopCharts;
  const chart = charts.data("moves-chart-data");
  const element = document.getElementById("moves-chart");
  if (!chart || !element) {
    return;
  }
  const labels = [chart.first.label].concat(chart.bars.map((bar) => bar.label), [chart.second.label]);
  const values = [chart.first.value].concat(chart.bars.map((bar) => bar.value), [chart.second.value]);
  const urls = [""].concat(chart.bars.map((bar) => bar.url), [""]);
  const locale = document.documentElement.lang === "vi" ? "vi-VN" : "en-GB";
  const share = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const points = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, minimumFractionDigits: 2, signDisplay: "always" });
  const last = values.length - 1;
  charts.draw(
    "moves-chart",
    [
      {
        type: "waterfall",
        x: labels,
        y: values,
        measure: ["absolute"].concat(chart.bars.map(() => "relative"), ["total"]),
        customdata: urls,
        text: values.map((value, index) => (index === 0 || index === last ? share.format(value) + "%" : points.format(value))),
        textposition: "outside",
        connector: { line: { color: "#adb5bd" } },
        increasing: { marker: { color: "#198754" } },
        decreasing: { marker: { color: "#dc3545" } },
        totals: { marker: { color: "#0d6efd" } },
      },
    ],
    { title: { text: chart.title }, showlegend: false, yaxis: { ticksuffix: "%" }, xaxis: { type: "category", automargin: true } }
  );
  if (element.on) {
    element.on("plotly_click", function (event) {
      const url = event.points.length ? event.points[0].customdata : "";
      if (url) {
        window.location.assign(url);
      }
    });
  }
})();
