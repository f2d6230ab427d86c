// Shared helpers for the page scripts: read json_script data, colours, and a plotly.js call
// with the page language's number separators (1.234,5 in Vietnamese).
(function () {
  "use strict";

  const STATUS_COLOURS = {
    achieved: "#198754",
    on_track: "#0d6efd",
    at_risk: "#ffc107",
    off_track: "#fd7e14",
    missed: "#dc3545",
    no_data: "#6c757d",
    error: "#6f42c1",
  };
  const RATING_COLOURS = {
    good: "#198754",
    fair: "#20c997",
    average: "#ffc107",
    weak: "#dc3545",
    unrated: "#adb5bd",
  };

  function data(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function draw(id, traces, layout) {
    const element = document.getElementById(id);
    if (!element || !window.Plotly) {
      return;
    }
    const vietnamese = document.documentElement.lang === "vi";
    const base = {
      separators: vietnamese ? ",." : ".,",
      margin: { l: 48, r: 16, t: 48, b: 48 },
      legend: { orientation: "h", y: -0.2 },
      font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12 },
    };
    window.Plotly.newPlot(element, traces, Object.assign(base, layout), {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
    });
  }

  function stackedBars(id, chart, colours) {
    if (!chart || !chart.years.length) {
      return;
    }
    const traces = chart.series.map(function (serie) {
      const trace = { type: "bar", name: serie.name, x: chart.years, y: serie.values };
      if (colours && serie.level) {
        trace.marker = { color: colours[serie.level] };
      }
      return trace;
    });
    draw(id, traces, { title: { text: chart.title }, barmode: "stack", xaxis: { type: "category" } });
  }

  // Printing: every chart redrawn at the A4 printable width (180 mm at 96 dpi), then back.
  const PRINT_WIDTH = 680;
  function printed(printing) {
    if (!window.Plotly) {
      return;
    }
    document.querySelectorAll(".js-plotly-plot").forEach(function (plot) {
      plot.style.width = printing ? PRINT_WIDTH + "px" : "";
      window.Plotly.Plots.resize(plot);
    });
  }
  window.addEventListener("beforeprint", () => printed(true));
  window.addEventListener("afterprint", () => printed(false));
  if (window.matchMedia) {
    window.matchMedia("print").addEventListener("change", (query) => printed(query.matches));
  }

  window.CoopCharts = {
    STATUS_COLOURS: STATUS_COLOURS,
    RATING_COLOURS: RATING_COLOURS,
    data: data,
    draw: draw,
    stackedBars: stackedBars,
  };
})();
