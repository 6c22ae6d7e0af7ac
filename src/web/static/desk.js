// dyad's web desk: the only script. A page marked data-live (the dashboard at the present
// moment) listens to the log's event stream and, when events are recorded, fetches itself
// again and swaps in the fresh content: no reload, nothing from anywhere but dyad. On the
// inbox, a text file chosen is read into the article's text field (it is posted as text).
"use strict";
(function () {
  var file = document.getElementById("article-file");
  var text = document.getElementById("text");
  if (file && text && window.FileReader) {
    file.addEventListener("change", function () {
      if (!file.files || !file.files[0]) { return; }
      var reader = new FileReader();
      reader.onload = function () { text.value = String(reader.result || ""); };
      reader.readAsText(file.files[0]);
    });
  }
})();
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
