// Choropleths of the provinces: the outlines (GeoJSON, from /maps/…) and the figures (JSON) from
// our own URLs, and Plotly's base-map file from our static files (config.topojsonURL), so a map
// draws on a closed network. A click on a province opens its page.
(function () {
  "use strict";
  const charts = window.CoopCharts;
  const NONE = "#e9ecef";

  function folderOf(url) {
    return url.slice(0, url.lastIndexOf("/") + 1);
  }

  function traces(outlines, data, element) {
    const known = data.rows.filter((row) => row.value);
    const unknown = data.rows.filter((row) => !row.value);
    const common = { type: "choropleth", geojson: outlines, featureidkey: "properties.code", marker: { line: { color: "#ffffff", width: 0.6 } } };
    const drawn = [
      Object.assign({}, common, {
        locations: unknown.map((row) => row.code),
        z: unknown.map(() => 0),
        customdata: unknown.map((row) => row.url),
        text: unknown.map((row) => `${row.name}: ${element.dataset.empty}`),
        hovertemplate: "%{text}<extra></extra>",
        colorscale: [[0, NONE], [1, NONE]],
        showscale: false,
      }),
    ];
    if (!known.length) {
      return drawn;
    }
    const shown = Object.assign({}, common, {
      locations: known.map((row) => row.code),
      customdata: known.map((row) => row.url),
      text: known.map((row) => `${row.name}: ${row.value.text}`),
      hovertemplate: "%{text}<extra></extra>",
    });
    if (data.mode === "status") {
      // One colour per status, worst last (plans.maps.STATUS_ORDER), with its name on the scale.
      const count = data.statuses.length;
      const scale = [];
      data.statuses.forEach((entry, index) => {
        const colour = charts.STATUS_COLOURS[entry.status];
        scale.push([index / count, colour], [(index + 1) / count, colour]);
      });
      Object.assign(shown, {
        z: known.map((row) => row.value.value),
        zmin: -0.5,
        zmax: count - 0.5,
        colorscale: scale,
        colorbar: { tickvals: data.statuses.map((_, i) => i), ticktext: data.statuses.map((entry) => entry.label), thickness: 12 },
      });
    } else {
      Object.assign(shown, {
        z: known.map((row) => row.value.value),
        colorscale: [[0, "#deebf7"], [1, "#08519c"]],  // one hue, light to dark: a value, not a verdict
        colorbar: { ticksuffix: data.unit, thickness: 12 },
      });
    }
    drawn.push(shown);
    return drawn;
  }

  function draw(element) {
    Promise.all([
      fetch(element.dataset.outlines, { credentials: "same-origin" }).then((r) => r.json()),
      fetch(element.dataset.map, { credentials: "same-origin" }).then((r) => r.json()),
    ]).then(function ([outlines, data]) {
      const vietnamese = document.documentElement.lang === "vi";
      window.Plotly.newPlot(
        element,
        traces(outlines, data, element),
        {
          title: { text: data.title, font: { size: 14 } },
          separators: vietnamese ? ",." : ".,",
          geo: { fitbounds: "locations", visible: false },
          margin: { l: 0, r: 0, t: 40, b: 0 },
          font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12 },
          dragmode: false,
        },
        { responsive: true, displaylogo: false, topojsonURL: folderOf(element.dataset.topojson), scrollZoom: false }
      ).then(function () {
        element.dataset.drawn = "true";
        element.on("plotly_click", function (event) {
          const url = event.points.length ? event.points[0].customdata : "";
          if (url) {
            window.location.assign(url);
          }
        });
      });
    });
  }

  document.querySelectorAll(".province-map").forEach(draw);
  const change = document.querySelector("[data-indicator-switch]");
  if (change) {
    change.addEventListener("change", function () {
      const form = change.closest("form");
      form.action = change.value;
      form.submit();
    });
  }
})();
