/* deckkit's reveal.js start-up: settings, plugins (speaker notes; search: Ctrl+Shift+F;
   zoom: Alt+click), the section footer, maths on slide change, and a readiness flag
   (body[data-deckkit-ready]) that tests and PDF export wait for. */
function deckkitStart(settings) {
  var plugins = [window.RevealNotes, window.RevealSearch, window.RevealZoom].filter(Boolean);
  var options = Object.assign({ plugins: plugins }, settings);
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
  // was hidden then is re-rendered when it is shown.
  function typeset(slide) {
    if (window.MathJax && MathJax.Hub && slide) {
      MathJax.Hub.Queue(["Rerender", MathJax.Hub, slide]);
    }
  }

  Reveal.on("slidechanged", function (event) {
    showSection(event.currentSlide);
    typeset(event.currentSlide);
  });
  Reveal.initialize(options).then(function () {
    showSection(Reveal.getCurrentSlide());
    var done = function () { document.body.setAttribute("data-deckkit-ready", "1"); };
    if (window.MathJax && MathJax.Hub) {
      MathJax.Hub.Queue(["Typeset", MathJax.Hub]);
      MathJax.Hub.Queue(done);
    } else {
      done();
    }
  });
}
