"""The room's standard, measured in the browser: at 1280×720 with every fragment shown, no text
under 18 px (captions, table notes, chart and diagram text as rendered), body text at least 24 px,
code at least 20 px, nothing clipped, hidden behind a picture or covered by the navigation or the
footer, and every picture with an alt text that says something.

Text in the page is measured where it is drawn (computed font size times reveal.js's scale).
Text inside a picture cannot be read from the page, so pictures carry it: a chart or diagram
that deckkit draws has ``data-min-font-px``, its smallest text in the picture's own pixels, and
the check scales that by how large the picture is shown.  A picture without it is reported,
because nobody can say whether the back row can read it, unless it says ``data-no-text`` (a QR
code: it has no text to read).
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_TEXT_PX = 18.0
MIN_BODY_PX = 24.0
MIN_CODE_PX = 20.0
VAGUE_ALT = {"", "chart", "image", "figure", "plot", "picture", "diagram",
             "no description has been provided for this image"}


@dataclass(frozen=True)
class Problem:
    slide: int          # 1-based, as the slide number shows it
    title: str
    element: str        # what it is, with its first words
    problem: str

    def __str__(self) -> str:
        return f"slide {self.slide} ({self.title!r}): {self.element}: {self.problem}"


# One slide, measured in the page.  Returns plain data; the rules are applied in Python.
# ``arg``: the exported slide's index, or {live: n} for RISE's current slide (number n),
# which RISE draws at scale 1 over the whole window.
MEASURE = r"""(arg) => {
  const live = typeof arg === 'object';
  const i = live ? arg.live : arg;
  let slide, scale, area;
  if (live) {
    slide = document.querySelector('.reveal .slides > section.present > section.present')
         || document.querySelector('.reveal .slides > section.present');
    scale = 1;
    area = {left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight};
  } else {
    slide = Reveal.getSlides()[i];
    scale = Reveal.getScale();
    const box = document.querySelector('.reveal .slides').getBoundingClientRect();
    area = {left: box.left + box.width / 2 - 640 * scale, top: box.top + box.height / 2 - 360 * scale};
    area.right = area.left + 1280 * scale; area.bottom = area.top + 720 * scale;
  }
  const size = live ? `${window.innerWidth}×${window.innerHeight}` : '1280×720';
  const words = (el) => (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  const rect = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const shown = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) return false;
    }
    return true;
  };
  const clipper = (el) => {  // the nearest ancestor inside the slide that clips its content
    // (as CSS does: a box positioned absolutely is clipped by its containing block and what
    // is above it, not by the static boxes in between)
    const placed = (cs) => cs.position === 'absolute' || cs.position === 'fixed';
    let escaped = placed(getComputedStyle(el));
    for (let e = el.parentElement; e && e !== slide; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if ((!escaped || cs.position !== 'static')
          && (cs.overflowX !== 'visible' || cs.overflowY !== 'visible')) return e;
      if (cs.position !== 'static') escaped = placed(cs);
    }
    return null;
  };
  const rgba = (c) => { const m = c.match(/[\d.]+/g) || [0, 0, 0, 0];
    return [+m[0], +m[1], +m[2], m.length > 3 ? +m[3] : 1]; };
  const paint = (el) => {  // [text colour, the colour behind it], opacities applied
    let alpha = 1;
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      alpha *= parseFloat(getComputedStyle(e).opacity);
    }
    let back = [255, 255, 255];
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      const b = rgba(getComputedStyle(e).backgroundColor);
      if (b[3] > 0.5) { back = b.slice(0, 3); break; }
    }
    const f = rgba(getComputedStyle(el).color);
    const a = f[3] * alpha;
    return [f.slice(0, 3).map((v, k) => v * a + back[k] * (1 - a)), back];
  };
  const texts = [];
  const seen = new Set();
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    const skip = 'aside.notes, script, style, mjx-assistive-mml, .MJX_Assistive_MathML, '
               + '.MathJax_Preview';  // notes, and maths' screen-reader copy (clipped on purpose)
    if (!el || el.closest(skip)) continue;
    if (!shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0.5 && r.height > 0.5);
    if (!rects.length) continue;
    const key = el;
    const px = parseFloat(getComputedStyle(el).fontSize) * scale;
    const inCode = !!el.closest('pre, code');
    const inMarkdown = !!el.closest('.jp-RenderedMarkdown, .jp-MarkdownOutput');
    const inTable = !!el.closest('table');
    const heading = !!el.closest('h1, h2, h3, h4, h5, h6');
    const maths = !!el.closest('mjx-container, .MathJax, .MathJax_Display');  // scripts are smaller by design
    const body = inMarkdown && !inTable && !heading && !maths && el.closest('p, li');
    const kind = inCode ? 'code' : body ? 'body' : 'text';
    const clip = clipper(el);
    const clipRect = clip ? rect(clip.getBoundingClientRect()) : null;
    const tag = el.tagName.toLowerCase();
    const inChrome = !!el.closest('.deckkit-badge');  // a label the slide carries on purpose
    if (!seen.has(key)) {
      seen.add(key);
      const [fg, bg] = paint(el);
      texts.push({tag, kind, px, fg, bg, inChrome, bold: parseInt(getComputedStyle(el).fontWeight) >= 700,
                  words: node.textContent.trim().replace(/\s+/g, ' ').slice(0, 40),
                  rects: rects.map(rect), clip: clipRect,
                  clipName: clip ? clip.tagName.toLowerCase()
                    + (clip.className ? '.' + String(clip.className).split(' ')[0] : '') : ''});
    } else {
      texts[texts.length - 1].rects.push(...rects.map(rect));
    }
  }
  const pictures = [...slide.querySelectorAll('img, svg, canvas')].filter(p => shown(p)
      && !p.closest('mjx-container, .MathJax, button')
      && !(p.tagName.toLowerCase() === 'svg' && p.parentElement.closest('svg')))
    .map(p => {
      const r = p.getBoundingClientRect();
      return {tag: p.tagName.toLowerCase(), rect: rect(r), alt: p.getAttribute('alt'),
              role: p.getAttribute('role'), label: p.getAttribute('aria-label'),
              minFont: p.dataset ? parseFloat(p.dataset.minFontPx) : NaN,
              // a QR code has no text to read (JupyterLab's sanitiser drops data-*: the class)
              noText: !!(p.dataset && p.dataset.noText !== undefined)
                      || p.classList.contains('deckkit-qr'),
              broken: p.tagName.toLowerCase() === 'img' && p.complete && p.naturalWidth === 0,
              offPalette: (p.dataset && p.dataset.offPalette) || '',
              natural: (p.dataset && parseFloat(p.dataset.naturalWidth)) || p.naturalWidth || 0,
              shownWidth: r.width,
              src: (p.getAttribute('src') || '').slice(0, 40)};
    }).filter(p => p.rect.right - p.rect.left > 2 && p.rect.bottom - p.rect.top > 2);
  const chromeSelector = '.reveal .controls button, .reveal .slide-number, #deckkit-footer, '
                       + '.deckkit-rise-footer, .reveal .deckkit-badge';
  const chrome = [...document.querySelectorAll(chromeSelector)]
    .filter(c => shown(c) && !c.disabled)
    .map(c => ({name: c.id ? '#' + c.id : c.className.split(' ')[0] || c.tagName.toLowerCase(),
                rect: rect(c.getBoundingClientRect()), words: (c.innerText || '').trim().slice(0, 40),
                px: parseFloat(getComputedStyle(c).fontSize)}));
  // code lines wider than their box: the browser wraps them, and wrapped code misleads
  const pen = document.createElement('canvas').getContext('2d');
  // (in the export a <pre> holds the code; in RISE each line is CodeMirror's .cm-line)
  const wrapped = [...slide.querySelectorAll('pre, .cm-line')].filter(shown).map(pre => {
    const cs = getComputedStyle(pre);
    pen.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const room = pre.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const lines = pre.textContent.split('\n');
    const widest = lines.reduce((best, l) => pen.measureText(l).width > best.w
      ? {w: pen.measureText(l).width, line: l} : best, {w: 0, line: ''});
    return {words: widest.line.trim().slice(0, 40), width: widest.w, room};
  }).filter(c => c.room > 0 && c.width > c.room + 1);
  const title = ((slide.querySelector('h1, h2, h3') || {}).textContent || '').replace(/\u00b6/g, '');
  return {index: i, title: title.trim(), scale, area, size, texts, pictures, chrome, wrapped};
}"""


def _overlap(a: dict, b: dict, margin: float = 1.0) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > margin
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > margin)


def _inside(inner: dict, outer: dict, slack: float = 1.5) -> bool:
    return (inner["left"] >= outer["left"] - slack and inner["top"] >= outer["top"] - slack
            and inner["right"] <= outer["right"] + slack
            and inner["bottom"] <= outer["bottom"] + slack)


def _luminance(rgb) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg) -> float:
    """WCAG's contrast ratio of two sRGB colours (1 to 21)."""
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


MIN_CONTRAST = {"default": 4.5, "high-contrast": 7.0}   # WCAG AA / AAA for text


def judge(slide: dict, min_contrast: float = MIN_CONTRAST["default"]) -> list[Problem]:
    """The standard applied to one measured slide; ``min_contrast`` is the text contrast the
    theme promises (WCAG AA 4.5:1 by default, AAA 7:1 for the high-contrast theme)."""
    number, title = slide["index"] + 1, slide["title"]
    problems: list[Problem] = []

    def add(element: str, problem: str) -> None:
        problems.append(Problem(number, title, element, problem))

    for t in slide["texts"]:
        what = f"{t['tag']} {t['words']!r}"
        floor = {"code": MIN_CODE_PX, "body": MIN_BODY_PX}.get(t["kind"], MIN_TEXT_PX)
        if t["px"] < floor - 0.05:
            add(what, f"{t['kind']} text {t['px']:.1f} px, under {floor:g} px")
        if "fg" in t:
            ratio = contrast(t["fg"], t["bg"])
            if ratio < min_contrast - 0.005:
                add(what, f"contrast {ratio:.2f}:1 against its background, under "
                          f"{min_contrast:g}:1")
        if any(not _inside(r, slide["area"]) for r in t["rects"]):
            add(what, f"runs off the {slide.get('size', '1280×720')} slide")
        elif t["clip"] and any(not _inside(r, t["clip"]) for r in t["rects"]):
            add(what, f"clipped by its box ({t['clipName']})")
        for p in slide["pictures"]:
            if any(_overlap(r, p["rect"]) for r in t["rects"]):
                add(what, f"drawn over or under a picture ({p['tag']} {p['src'] or p['alt']!r})")
                break
        for c in slide["chrome"]:
            if not t.get("inChrome") and any(_overlap(r, c["rect"]) for r in t["rects"]):
                add(what, f"covered by {c['name']}")
                break
    for c in slide.get("wrapped", []):
        add(f"pre {c['words']!r}", f"a code line {c['width'] - c['room']:.0f} px wider than its "
                                   "box: it wraps")
    for c in slide["chrome"]:
        if c.get("words") and c["px"] < MIN_TEXT_PX - 0.05:
            add(f"{c['name']} {c['words']!r}", f"text {c['px']:.1f} px, under {MIN_TEXT_PX:g} px")
    for p in slide["pictures"]:
        what = f"{p['tag']} {(p['alt'] or p['src'] or '')[:40]!r}"
        if p["tag"] == "img":
            alt = (p["alt"] or "").strip()
            if alt.lower().rstrip(".") in VAGUE_ALT:
                add(what, "no alt text that says what it shows")
            elif "<" in alt and ">" in alt:
                add(what, "alt text contains markup")
        elif not (p["label"] or p["role"] == "presentation"):
            add(what, "an inline picture without aria-label")
        if not _inside(p["rect"], slide["area"]):
            add(what, f"runs off the {slide.get('size', '1280×720')} slide")
        for c in slide["chrome"]:
            if _overlap(p["rect"], c["rect"]):
                add(what, f"covered by {c['name']}")
                break
        if p.get("offPalette"):
            add(what, f"the chart draws {p['offPalette'].replace(' ', ', ')}, outside the deck's "
                      "palette: give each series its role's colour (deckkit.palette.colour)")
        if p.get("broken"):
            add(what, "the picture does not load (the browser shows its alt text instead)")
        elif p["tag"] == "img" and not p.get("noText"):  # data-no-text: a QR code, say
            if p["minFont"] != p["minFont"]:  # NaN: nothing says how large its text is
                add(what, "text size inside the picture unknown (no data-min-font-px)")
            elif p["natural"]:
                px = p["minFont"] * p["shownWidth"] / p["natural"]
                if px < MIN_TEXT_PX - 0.05:
                    add(what, f"text in the picture {px:.1f} px as shown, under "
                              f"{MIN_TEXT_PX:g} px")
    return problems
