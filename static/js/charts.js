/* Draws every chart on the page from its JSON figure (data, layout, config built in indicators/charts.py). */
(function () {
  "use strict";
  function draw() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    document.querySelectorAll("div.chart[id]").forEach(function (target) {
      var source = document.getElementById(target.id + "-data");
      if (!source) {
        return;
      }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(target, figure.data, figure.layout, figure.config).then(function () {
        target.classList.add("chart-rendered");
        target.setAttribute("data-rendered", "true");
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
