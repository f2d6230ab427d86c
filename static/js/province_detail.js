// A province: organisations founded by year, ratings by year, and the old provinces it was formed from.
(function () {
  "use strict";
  const charts = window.CoopCharts;
  charts.stackedBars("founded-chart", charts.data("founded-chart-data"));
  charts.stackedBars("rating-chart", charts.data("rating-chart-data"), charts.RATING_COLOURS);
  charts.stackedBars("history-chart", charts.data("history-chart-data"));
})();
