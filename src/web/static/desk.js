// dyad's web desk: the only script. A page marked data-live (the dashboard at the present
// moment) listens to the log's event stream and, when events are recorded, fetches itself
// again and swaps in the fresh content: no reload, nothing from anywhere but dyad.
"use strict";
(function () {
  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var waiting = false;
  var source = new EventSource("/live?after=" + encodeURIComponent(live.dataset.after || "0"));
  function refresh() {
    waiting = false;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live]");
        var current = document.querySelector("[data-live]");
        if (!fresh || !current) { return; }
        current.replaceWith(fresh);
        var note = document.getElementById("live-note");
        if (note) { note.textContent = "Updated at " + new Date().toLocaleTimeString() + " with new events."; }
      })
      .catch(function () {});
  }
  source.onmessage = function () {
    if (!waiting) {
      waiting = true;
      window.setTimeout(refresh, 200);
    }
  };
})();
