// The meeting pack's progress page: ask the status endpoint every two seconds until the pack is made or failed,
// then show the download link or the failure (the state line is a polite live region, read out when it changes).
(function () {
  "use strict";
  var box = document.getElementById("pack-progress");
  if (!box) return;
  var state = box.dataset.state;
  if (state === "done" || state === "failed") return;
  var url = box.dataset.statusUrl;
  var tries = 0;
  function show(reply) {
    var line = document.getElementById("pack-state");
    if (reply.state === "done") {
      document.getElementById("pack-download").hidden = false;
    } else if (reply.state === "failed") {
      document.getElementById("pack-error").textContent = reply.error;
      document.getElementById("pack-failure").hidden = false;
    }
    if (reply.state === "done" || reply.state === "failed") {
      line.textContent = reply.message;
      box.dataset.state = reply.state;
      return true;
    }
    return false;
  }
  function poll() {
    tries += 1;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (reply) { if (!show(reply) && tries < 300) setTimeout(poll, 2000); })
      .catch(function () { if (tries < 300) setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
