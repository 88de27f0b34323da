/* deckkit's reveal.js start-up: settings, plugins (speaker notes; search: Ctrl+Shift+F;
   zoom: Alt+click), the section footer, the outline panel (M, or the ☰ button), code cells
   that highlight their lines step by step, maths on slide change, and a readiness flag
   (body[data-deckkit-ready]) that tests and PDF export wait for. */

/* "1-3|4|5,7" -> [[1,2,3],[4],[5,7]] (1-based line numbers); null when malformed. */
function deckkitParseSteps(spec) {
  var steps = String(spec).split("|").map(function (step) {
    var lines = [];
    step.split(",").forEach(function (part) {
      var m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
      if (!m) { lines = null; return; }
      if (lines === null) { return; }
      var a = +m[1], b = m[2] ? +m[2] : a;
      for (var i = a; i <= b; i++) { lines.push(i); }
    });
    return lines;
  });
  return steps.some(function (s) { return !s || !s.length; }) ? null : steps;
}

/* Wrap each line of a <pre> in <span class="deckkit-line">, closing and reopening the syntax
   colouring spans that cross a line break; returns the line spans. */
function deckkitSplitLines(pre) {
  var html = pre.innerHTML, out = "", open = [], line = "", lines = [];
  var tag = /<\/?[a-zA-Z][^>]*>/g, last = 0, m;
  function flush() {
    lines.push(line + open.map(function () { return "</span>"; }).join(""));
    line = open.join("");
  }
  function text(chunk) {
    var parts = chunk.split("\n");
    parts.forEach(function (part, i) {
      if (i > 0) { flush(); }
      line += part;
    });
  }
  while ((m = tag.exec(html))) {
    text(html.slice(last, m.index));
    line += m[0];
    if (m[0][1] === "/") { open.pop(); } else if (!/\/>$/.test(m[0])) { open.push(m[0]); }
    last = tag.lastIndex;
  }
  text(html.slice(last));
  if (line.replace(/<[^>]*>/g, "") !== "" || !lines.length) { flush(); }
  out = lines.map(function (l, i) {
    return '<span class="deckkit-line" data-line="' + (i + 1) + '">' + l + "</span>";
  }).join("\n");
  pre.innerHTML = out;
  return Array.prototype.slice.call(pre.querySelectorAll(":scope > .deckkit-line"));
}

/* A cell with metadata.deckkit.highlight: its code is first shown whole; each step (a
   fragment) lights its lines and dims the rest; a last step shows it whole again, so "every
   fragment shown" (print, PDF, the legibility checks) is the complete code. */
function deckkitHighlightSteps() {
  document.querySelectorAll("[data-deckkit-highlight]").forEach(function (box) {
    var steps = deckkitParseSteps(box.getAttribute("data-deckkit-highlight"));
    var pre = box.querySelector("pre");
    if (!steps || !pre) { return; }
    var lines = deckkitSplitLines(pre);
    box.classList.add("deckkit-stepped");
    steps.concat([null]).forEach(function (step, i) {
      var marker = document.createElement("span");
      marker.className = "fragment deckkit-step";
      marker.setAttribute("aria-hidden", "true");
      marker.setAttribute("data-deckkit-step", String(i));
      box.appendChild(marker);
    });
    function show() {
      var shown = box.querySelectorAll(".deckkit-step.visible");
      var current = shown.length ? +shown[shown.length - 1].getAttribute("data-deckkit-step") : -1;
      var lit = current >= 0 && current < steps.length ? steps[current] : null;
      lines.forEach(function (span, i) {
        var dim = lit !== null && lit.indexOf(i + 1) < 0;
        span.classList.toggle("deckkit-dim", dim);
        span.classList.toggle("deckkit-lit", lit !== null && !dim);
      });
      box.setAttribute("data-deckkit-current", String(current));
    }
    box._deckkitShow = show;
    show();
  });
  function refresh() {
    document.querySelectorAll(".deckkit-stepped").forEach(function (box) { box._deckkitShow(); });
  }
  Reveal.on("fragmentshown", refresh);
  Reveal.on("fragmenthidden", refresh);
  Reveal.on("slidechanged", refresh);
}

/* The outline: every slide's title, grouped by section, as links; opened with M or the ☰
   button in the footer, closed with M, Escape or a click on a link. */
function deckkitOutline() {
  var panel = document.getElementById("deckkit-outline");
  var button = document.querySelector("#deckkit-footer .deckkit-outline-toggle");
  if (!panel || !button) { return; }
  var list = panel.querySelector("ol");
  var group = null, label = null;
  Reveal.getSlides().forEach(function (slide) {
    var indices = Reveal.getIndices(slide);
    var owner = slide.closest("[data-section]");
    var section = owner ? owner.getAttribute("data-section") : "";
    if (section !== label || !group) {
      label = section;
      var item = document.createElement("li");
      var head = document.createElement("span");
      head.className = "deckkit-outline-section";
      head.textContent = section || document.title;
      group = document.createElement("ol");
      item.appendChild(head);
      item.appendChild(group);
      list.appendChild(item);
    }
    var heading = slide.querySelector("h1, h2, h3");
    var title = heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
    var link = document.createElement("a");
    link.href = "#/" + indices.h + (indices.v ? "/" + indices.v : "");
    link.textContent = title || "(slide " + (indices.h + 1) + ")";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      close();
      Reveal.slide(indices.h, indices.v || 0);
    });
    var entry = document.createElement("li");
    if (indices.v) { entry.className = "deckkit-outline-sub"; }
    entry.appendChild(link);
    group.appendChild(entry);
  });
  function open() {
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    var here = Reveal.getIndices();
    var current = panel.querySelector('a[href="#/' + here.h + (here.v ? "/" + here.v : "") + '"]');
    panel.querySelectorAll("a").forEach(function (a) { a.removeAttribute("aria-current"); });
    if (current) { current.setAttribute("aria-current", "page"); current.focus(); }
  }
  function close() {
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
  }
  function toggle() { if (panel.hidden) { open(); } else { close(); } }
  button.addEventListener("click", toggle);
  panel.querySelector(".deckkit-outline-close").addEventListener("click", close);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { event.stopPropagation(); close(); }
  }, true);
  Reveal.addKeyBinding({ keyCode: 77, key: "M", description: "Outline" }, toggle);
  window.deckkitOutlineToggle = toggle;
}
/* A phone, or ?view=scroll: reveal.js 5's scroll view, one slide under the other.  Slides are
   laid out at half the room's width (640 px) and the screen's shape, so a 390 px wide phone
   shows them at 0.6 of their size (body text about 17 px) instead of 0.3 (about 9 px). */
var DECKKIT_READING_WIDTH = 640;
function deckkitScrollAsked() { return /(^|[?&])view=scroll(&|$)/.test(window.location.search); }
function deckkitReadingView(options) {
  var asked = deckkitScrollAsked();
  var narrow = window.innerWidth <= (options.scrollActivationWidth || 435);
  if (!asked && !narrow) { return options; }
  document.body.classList.add("deckkit-reading");
  var tall = Math.round(DECKKIT_READING_WIDTH * window.innerHeight / Math.max(window.innerWidth, 1));
  return Object.assign({}, options, {
    view: "scroll", width: DECKKIT_READING_WIDTH, scrollLayout: "compact",
    height: Math.max(Math.min(tall, 1400), 720)
  });
}

/* The slide a link names (#/25, #/3/1 or #/section-H), as reveal.js indices; null if none. */
function deckkitHashTarget() {
  var m = /^#\/(\d+)(?:\/(\d+))?/.exec(window.location.hash);
  if (m) { return { h: +m[1], v: m[2] ? +m[2] : 0 }; }
  var id = /^#\/([\w-]+)/.exec(window.location.hash);
  var el = id && document.getElementById(id[1]);
  return el ? Reveal.getIndices(el) : null;
}

// Whether a slide holds maths MathJax has typeset (it keeps each formula's source in a
// math/tex script beside what it drew); the contact sheet asks too, before it waits for MathJax.
function deckkitHasMaths(slide) {
  return !!slide.querySelector('script[type^="math/"]');
}

function deckkitStart(settings) {
  var plugins = [window.RevealNotes, window.RevealSearch, window.RevealZoom].filter(Boolean);
  var options = deckkitReadingView(Object.assign({ plugins: plugins }, settings));
  // Give each section's first slide an id ("#/section-C") so the agenda can link to it.
  var seen = {};
  document.querySelectorAll(".reveal .slides > section[data-section]").forEach(function (s) {
    var letter = s.getAttribute("data-section").split(" ")[0];
    if (!seen[letter]) {
      seen[letter] = true;
      if (!s.id) { s.id = "section-" + letter; }
    }
  });
  var footer = document.querySelector("#deckkit-footer .deckkit-section");

  function showSection(slide) {
    var owner = slide && slide.closest("[data-section]");
    footer.textContent = owner ? owner.getAttribute("data-section") : "";
  }

  // Maths is typeset once reveal.js has laid the slides out (MathJax measures text, and
  // measuring during layout, or in print view, gives "Math Processing Error"); a slide that
  // was hidden then is re-rendered when it is shown.  Only a slide with maths (MathJax keeps
  // each formula's source in a math/tex script): a re-render of any other costs MathJax's
  // queue a fifth of a second for nothing.
  function typeset(slide) {
    if (window.MathJax && MathJax.Hub && slide && deckkitHasMaths(slide)) {
      MathJax.Hub.Queue(["Rerender", MathJax.Hub, slide]);
    }
  }

  Reveal.on("slidechanged", function (event) {
    showSection(event.currentSlide);
    typeset(event.currentSlide);
  });
  deckkitHighlightSteps();  // before initialize: reveal.js counts the step fragments it adds
  Reveal.initialize(options).then(function () {
    // the scroll view starts at the top whatever the link says: go where it points
    var target = Reveal.isScrollView() ? deckkitHashTarget() : null;
    if (target) { Reveal.slide(target.h, target.v || 0); }
    showSection(Reveal.getCurrentSlide());
    deckkitOutline();
    if (Reveal.isScrollView()) {  // asked for: the link leads back; on a phone it has no use
      var asked = deckkitScrollAsked();
      document.querySelectorAll("a.deckkit-scroll-link").forEach(function (a) {
        if (!asked) { a.hidden = true; return; }
        a.href = window.location.pathname.split("/").pop();
        a.textContent = "Back to the slide view";
      });
    }
    var done = function () { document.body.setAttribute("data-deckkit-ready", "1"); };
    if (window.MathJax && MathJax.Hub) {
      MathJax.Hub.Queue(["Typeset", MathJax.Hub]);
      MathJax.Hub.Queue(done);
    } else {
      done();
    }
  });
}
