/* An embedded chart tells the page that frames it how tall it is, whenever that changes (the chart drawn, the
   window resized, the data table opened), so the embed code's iframe fits it without a scroll bar of its own.
   The embed code's two lines of script take the message from this frame only; a site that strips scripts keeps
   the iframe's own height. Only a height is sent, so any parent may read it. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var told = 0;
  function tell() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== told) {
      told = height;
      window.parent.postMessage({ type: "maaltavlen:height", height: height }, "*");
    }
  }
  if ("ResizeObserver" in window) new ResizeObserver(tell).observe(document.documentElement);
  window.addEventListener("load", tell);
  window.addEventListener("resize", tell);
  document.addEventListener("toggle", tell, true);
})();
