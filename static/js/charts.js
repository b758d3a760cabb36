/* Draws every chart on the page from its JSON figure (data, layout, config built in indicators/charts.py).

   A figure with a "narrow" variant (indicators/narrow_charts.py, where the rule of a narrow chart lives) is drawn
   with it while the chart's box is narrower than narrow.below pixels, and redrawn when the box crosses that width.
   A narrow comparison that shows only the chosen area's neighbourhood gets a button that opens the full list. */
(function () {
  "use strict";

  function copy(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function isNarrow(chart) {
    var narrow = chart.figure.narrow;
    return Boolean(narrow) && chart.element.clientWidth < narrow.below;
  }

  // The data, layout and config to draw: Plotly keeps and changes what it is given, so always fresh copies.
  function variant(chart) {
    var figure = chart.figure;
    var config = copy(figure.config);
    if (!chart.narrow) {
      return { data: copy(figure.data), layout: copy(figure.layout), config: config };
    }
    var narrow = figure.narrow;
    var chosen = chart.expanded && narrow.expanded ? narrow.expanded : narrow;
    config.toImageButtonOptions = Object.assign(config.toImageButtonOptions, chosen["export"]);
    return { data: copy(narrow.data), layout: copy(chosen.layout), config: config };
  }

  function draw(chart) {
    var picked = variant(chart);
    if (chart.toggle) {
      chart.toggle.hidden = !chart.narrow;
      chart.toggle.setAttribute("aria-expanded", chart.expanded ? "true" : "false");
      chart.toggle.textContent = chart.expanded ? chart.figure.narrow.expanded.hide : chart.figure.narrow.expanded.show;
    }
    return window.Plotly.react(chart.element, picked.data, picked.layout, picked.config).then(function () {
      chart.element.classList.add("chart-rendered");
      chart.element.setAttribute("data-rendered", "true");
      chart.element.setAttribute("data-layout", chart.narrow ? "narrow" : "wide");
    });
  }

  function addToggle(chart) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "chart-toggle";
    button.id = chart.element.id + "-toggle";
    button.setAttribute("aria-controls", chart.element.id);
    button.addEventListener("click", function () {
      chart.expanded = !chart.expanded;
      draw(chart);
    });
    chart.element.insertAdjacentElement("afterend", button);
    chart.toggle = button;
  }

  function start() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    var charts = [];
    document.querySelectorAll("div.chart[id]").forEach(function (element) {
      var source = document.getElementById(element.id + "-data");
      if (!source) {
        return;
      }
      var chart = { element: element, figure: JSON.parse(source.textContent), expanded: false };
      chart.narrow = isNarrow(chart);
      if (chart.figure.narrow && chart.figure.narrow.expanded) {
        addToggle(chart);
      }
      charts.push(chart);
      draw(chart);
    });
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (chart) {
          var narrow = isNarrow(chart);
          if (narrow !== chart.narrow) {
            chart.narrow = narrow;
            draw(chart);
          }
        });
      }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
