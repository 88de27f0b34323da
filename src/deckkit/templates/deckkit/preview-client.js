// deckkit preview's page script, added to every page the preview server serves (never to a
// built file): reload on a good save, a banner of findings on a bad one, and rehearsal
// timings.  window.deckkitPreview = {version, events, rehearsal, every} comes before it.
(function () {
  var config = window.deckkitPreview || {};
  var version = config.version || 0;
  function banner(problems) {
    var box = document.getElementById("deckkit-preview-problems");
    if (!box) {
      box = document.createElement("div");
      box.id = "deckkit-preview-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;top:0;z-index:99;max-height:60vh;" +
        "overflow:auto;background:#fff3f3;color:#5a0000;border-bottom:3px solid #b00020;" +
        "font:18px/1.35 'Source Sans Pro',sans-serif;padding:10px 16px;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "The last save did not build; the slides below are the last good ones.\n\n"
      + problems.join("\n");
  }
  function listen() {
    var source = new EventSource(config.events + "?since=" + version);
    source.addEventListener("reload", function () { source.close(); location.reload(); });
    source.addEventListener("problems", function (event) { banner(JSON.parse(event.data)); });
    source.onerror = function () { source.close(); setTimeout(listen, 1000); };
  }
  listen();

  // Rehearsal timings: seconds on each slide (by its key) while this page is visible, sent to
  // the preview server every few seconds and when the page goes away (a reload included).  The
  // speaker view's slide previews load this page as "receivers": they reload with it (above)
  // but record nothing, or each second would count two or three times.
  if (/(^|[?&])receiver/i.test(location.search)) { return; }
  var spent = {}, key = null, since = Date.now();
  function currentKey() {
    var slide = window.Reveal && Reveal.getCurrentSlide && Reveal.getCurrentSlide();
    for (var s = slide; s; s = s.parentElement && s.parentElement.closest("section")) {
      if (s.dataset && s.dataset.key) { return s.dataset.key; }
    }
    return null;
  }
  function tick() {
    var now = Date.now();
    if (key && document.visibilityState === "visible") {
      spent[key] = (spent[key] || 0) + Math.min((now - since) / 1000, 600);
    }
    since = now;
    key = currentKey();
  }
  function flush(leaving) {
    tick();
    var body = JSON.stringify(spent);
    if (body === "{}") { return; }
    spent = {};
    if (leaving && navigator.sendBeacon) { navigator.sendBeacon(config.rehearsal, body); }
    else { fetch(config.rehearsal, { method: "POST", body: body, keepalive: true }); }
  }
  // started once the page's scripts have run (Reveal is there), not at "load": that waits for
  // every picture and font, which on a busy machine can be seconds after the slides show
  function start() {
    if (!window.Reveal) { return; }
    Reveal.on("ready", tick);
    Reveal.on("slidechanged", tick);
    tick();
    setInterval(function () { flush(false); }, config.every || 5000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("visibilitychange", tick);
  window.addEventListener("pagehide", function () { flush(true); });
  window.deckkitRehearsalFlush = function () { flush(false); };
})();
