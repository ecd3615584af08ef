// The dashboards' charts and period picker. Chart data comes from a json_script element
// (#dashboard-charts: {canvas id: {type, labels, datasets}}); no inline script (CSP).
(function () {
  "use strict";
  var COLOURS = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#ffc107", "#0dcaf0", "#d63384"];

  function charts() {
    var source = document.getElementById("dashboard-charts");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = data[canvas.dataset.chart];
      if (!spec) return;
      var round = spec.type === "doughnut";
      spec.datasets.forEach(function (ds, i) {
        ds.backgroundColor = round ? COLOURS.slice(0, spec.labels.length) : COLOURS[i % COLOURS.length];
        ds.borderColor = round ? "#fff" : COLOURS[i % COLOURS.length];
      });
      new Chart(canvas, {type: spec.type, data: {labels: spec.labels, datasets: spec.datasets},
        options: {responsive: true, plugins: {legend: {position: "bottom"}},
                  scales: round ? {} : {y: {beginAtZero: true}}}});
    });
  }

  function picker() {
    document.querySelectorAll("form[data-period-picker]").forEach(function (form) {
      var kind = form.querySelector("[data-period-kind]");
      function show() {
        form.querySelectorAll("[data-kind]").forEach(function (el) {
          var on = el.dataset.kind === kind.value;
          el.hidden = !on;
          el.querySelectorAll("input").forEach(function (input) { input.disabled = !on; });
        });
      }
      kind.addEventListener("change", show);
      show();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { picker(); charts(); });
})();
