/* The comparison form's own list: a filter box over the municipality checkboxes and a count of those chosen.
   Without JavaScript the checkboxes work as they are; this only makes 98 of them quicker to go through. */
(function () {
  "use strict";
  function start() {
    var list = document.getElementById("own-list");
    if (!list) {
      return;
    }
    var tools = list.querySelector(".own-list-tools");
    var filter = document.getElementById("own-list-filter");
    var count = document.getElementById("own-list-count");
    var items = Array.prototype.slice.call(list.querySelectorAll(".own-list-options li"));
    function countChosen() {
      var chosen = Array.prototype.map.call(list.querySelectorAll("input[type=checkbox]:checked"), function (box) {
        return box.parentElement.textContent.trim();
      });
      var text = count.getAttribute("data-template").replace("%(n)s", String(chosen.length));
      count.textContent = chosen.length ? text + " (" + chosen.join(", ") + ")" : text;
    }
    filter.addEventListener("input", function () {
      var text = filter.value.trim().toLocaleLowerCase("da");
      items.forEach(function (item) {
        var checked = item.querySelector("input").checked;
        // Chosen municipalities stay in view, so a filter never hides what will be sent.
        item.hidden = text !== "" && !checked && item.textContent.toLocaleLowerCase("da").indexOf(text) === -1;
      });
    });
    // Enter in the filter box filters; it does not submit the form half-made.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    var listGroup = document.querySelector("#comparison-form input[name=gruppe][value=liste]");
    list.addEventListener("change", function (event) {
      // Choosing a municipality for the list means comparing with the list.
      if (listGroup && event.target.checked) {
        listGroup.checked = true;
      }
      countChosen();
    });
    tools.hidden = false;
    countChosen();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
