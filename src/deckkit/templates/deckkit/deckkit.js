/* deckkit's reveal.js start-up: settings, the section footer, maths on slide change,
   and a readiness flag (body[data-deckkit-ready]) that tests and PDF export wait for. */
function deckkitStart(settings) {
  var options = Object.assign({ plugins: [RevealNotes] }, settings);
  var footer = document.querySelector("#deckkit-footer .deckkit-section");

  function showSection(slide) {
    var owner = slide && slide.closest("[data-section]");
    footer.textContent = owner ? owner.getAttribute("data-section") : "";
  }

  function typeset(slide) {
    if (window.MathJax && MathJax.Hub && slide) {
      MathJax.Hub.Queue(["Typeset", MathJax.Hub, slide]);
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
      MathJax.Hub.Queue(done);
    } else {
      done();
    }
  });
}
