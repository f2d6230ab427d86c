// A target: the figure against the target, its trend against the path, provinces compared, ratings.
(function () {
  "use strict";
  const charts = window.CoopCharts;

  function progress() {
    const chart = charts.data("progress-chart-data");
    const target = chart.value_high === null
      ? [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: chart.value, y1: chart.value, line: { color: "#212529", dash: "dash", width: 2 } }]
      : [{ type: "rect", xref: "paper", x0: 0, x1: 1, y0: chart.value, y1: chart.value_high, fillcolor: "rgba(25,135,84,0.15)", line: { width: 0 } }];
    const traces = [
      {
        type: "bar",
        name: chart.names.actual,
        x: [chart.label || chart.names.actual],
        y: [chart.actual],
        marker: { color: charts.STATUS_COLOURS[chart.status] },
        width: [0.4],
      },
    ];
    charts.draw("progress-chart", traces, {
      title: { text: chart.title },
      shapes: target,
      showlegend: false,
      yaxis: { rangemode: "tozero" },
      xaxis: { type: "category" },
      annotations: [{ xref: "paper", x: 1, y: chart.value_high === null ? chart.value : chart.value_high, text: chart.names.target, showarrow: false, xanchor: "right", yanchor: "bottom" }],
    });
  }

  function trend() {
    const chart = charts.data("trend-chart-data");
    if (!chart.years.length) {
      return;
    }
    const actual = { type: "scatter", mode: "lines+markers", name: chart.names.actual, x: chart.years, y: chart.actual, line: { color: "#198754", width: 3 } };
    if (chart.marks) {
      // An every-year target: each year's symbol above its point and a marker shape of its own,
      // so met and missed years read apart without colour.
      Object.assign(actual, {
        mode: "lines+markers+text",
        text: chart.marks.symbols,
        textposition: "top center",
        hovertext: chart.marks.labels,
        hoverinfo: "text+y",
        marker: { symbol: chart.marks.shapes, size: 11 },
      });
    }
    const traces = [
      actual,
      { type: "scatter", mode: "lines", name: chart.names.path, x: chart.years, y: chart.path, line: { color: "#6c757d", dash: "dash" } },
    ];
    const projected = chart.projection;
    if (projected) {
      // A projection, drawn as one: dotted, with its band as an error bar on the projected year.
      const last = projected.years.length - 1;
      const bar = projected.minus === undefined ? undefined : {
        type: "data", symmetric: false,
        array: projected.years.map((_, i) => (i === last ? projected.plus : 0)),
        arrayminus: projected.years.map((_, i) => (i === last ? projected.minus : 0)),
        color: "#0d6efd",
      };
      traces.push({ type: "scatter", mode: "lines+markers", name: chart.names.projection, x: projected.years, y: projected.values, line: { color: "#0d6efd", dash: "dot" }, marker: { symbol: "diamond-open", size: 10 }, error_y: bar });
    }
    const years = Array.from(new Set(chart.years.concat(projected ? projected.years : []))).sort();
    charts.draw("trend-chart", traces, {
      title: { text: chart.title },
      xaxis: { type: "category", categoryorder: "array", categoryarray: years },
    });
  }

  function comparison() {
    const chart = charts.data("comparison-chart-data");
    if (!chart) {
      return;
    }
    charts.draw(
      "comparison-chart",
      [
        {
          type: "bar",
          orientation: "h",
          y: chart.labels,
          x: chart.values,
          marker: { color: chart.highlight.map((own) => (own ? "#198754" : "#adb5bd")) },
        },
      ],
      {
        title: { text: chart.title },
        height: 120 + 28 * chart.values.length,
        margin: { l: 8, r: 16, t: 48, b: 40 },
        yaxis: { automargin: true, autorange: "reversed" },
      }
    );
  }

  progress();
  trend();
  comparison();
  charts.stackedBars("rating-chart", charts.data("rating-chart-data"), charts.RATING_COLOURS);
})();
