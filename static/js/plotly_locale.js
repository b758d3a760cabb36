/* Plotly's own words (modebar buttons, notices, month names) in the page's language: Danish on Danish pages.
   Plotly ships no Danish dictionary, so the translations are ours; loaded right after Plotly (both deferred). */
(function () {
  "use strict";
  if (typeof window.Plotly === "undefined") {
    return;
  }
  window.Plotly.register({
    moduleType: "locale",
    name: "da",
    dictionary: {
      "Download plot as a PNG": "Hent diagrammet som PNG",
      "Download plot": "Hent diagrammet",
      "Download plot as JSON": "Hent diagrammet som JSON",
      "Preparing image - this may take a few seconds": "Billedet laves – det kan tage et par sekunder",
      "Image download succeeded": "Billedet er hentet",
      "Sorry, there was a problem downloading your image!": "Billedet kunne desværre ikke hentes.",
      "Zoom": "Zoom",
      "Pan": "Panorer",
      "Box Select": "Vælg med rektangel",
      "Lasso Select": "Vælg med lasso",
      "Zoom in": "Zoom ind",
      "Zoom out": "Zoom ud",
      "Autoscale": "Tilpas akserne til data",
      "Reset axes": "Nulstil akserne",
      "Reset": "Nulstil",
      "Reset view": "Nulstil visningen",
      "Show closest data on hover": "Vis nærmeste værdi, når musen er over",
      "Compare data on hover": "Sammenlign værdier, når musen er over",
      "Toggle show closest data on hover": "Slå visning af nærmeste værdi til eller fra",
      "Toggle Spike Lines": "Slå hjælpelinjer til eller fra",
      "Double-click to zoom back out": "Dobbeltklik for at zoome ud igen"
    },
    format: {
      days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
      shortDays: ["søn.", "man.", "tirs.", "ons.", "tors.", "fre.", "lør."],
      months: [
        "januar", "februar", "marts", "april", "maj", "juni",
        "juli", "august", "september", "oktober", "november", "december"
      ],
      shortMonths: ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."],
      date: "%d.%m.%Y",
      decimal: ",",
      thousands: "."
    }
  });
  window.Plotly.setPlotConfig({ locale: document.documentElement.lang === "da" ? "da" : "en" });
})();
