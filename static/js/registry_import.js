// An import being read or written, or an export written, by a worker: poll its progress, then
// show the result (templates/cooperatives/registry_import_detail.html and export_detail.html).
(function () {
  "use strict";
  const box = document.getElementById("import-progress");
  if (!box) {
    return;
  }
  const bar = box.querySelector(".progress-bar");
  const meter = box.querySelector(".progress");
  const text = document.getElementById("import-progress-text");
  const badge = document.getElementById("import-status");

  function show(state) {
    bar.style.width = state.percent + "%";
    meter.setAttribute("aria-valuenow", String(state.percent));
    badge.textContent = state.label;
    const rows = state.rows_total ? state.rows_done + " / " + state.rows_total : String(state.rows_done);
    text.textContent = state.label + " · " + rows;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((state) => {
        show(state);
        if (state.running) {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(() => window.setTimeout(poll, 3000));
  }

  window.setTimeout(poll, 500);
})();
