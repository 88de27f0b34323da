"""What runs in a finished page, asked of Chromium itself: every script the page's V8 parses
(Debugger.scriptParsed: files, inline <script> blocks, event handlers as they fire, srcdoc
frames) and every element that could run script later (an on* attribute, a javascript: URL,
a frame or plug-in).  The student package allows only reveal.js's, MathJax's and deckkit's
own files under assets/, and the page's one start-up call (deckkitStart, from the template).

Walking every slide with its fragments shown makes lazy content appear (images, <details>);
scripts with no URL are Playwright's own evaluations or code that an allowed script evaluated.
"""

from __future__ import annotations

from pathlib import Path

from . import browser

DOM_PROBE = r"""() => {
    const found = [];
    const where = (el) => {
        const s = el.closest('section[data-key]') || el.closest('section');
        return s ? (s.getAttribute('data-key') || 'a slide') : 'the page';
    };
    for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
            const name = a.name.toLowerCase(), value = a.value.replace(/\s/g, '').toLowerCase();
            if (name.startsWith('on'))
                found.push(`${where(el)}: <${el.localName} ${name}=…>`);
            else if (/^(javascript|vbscript):/.test(value) || (name === 'srcdoc'))
                found.push(`${where(el)}: <${el.localName} ${name}="${a.value.slice(0, 40)}">`);
        }
        if (['iframe', 'frame', 'object', 'embed', 'applet'].includes(el.localName))
            found.push(`${where(el)}: <${el.localName}>`);
    }
    const runs = /^(|text\/javascript|application\/javascript|module|text\/ecmascript)$/i;
    for (const s of document.scripts)   // MathJax keeps each formula as <script type="math/tex">
        if (s.closest('.reveal .slides') && runs.test((s.type || '').trim()))
            found.push(`${where(s)}: <script> in a slide`);
    return found;
}"""


def foreign_scripts(path: Path, walk: bool = True) -> list[str]:
    """What in the page at ``path`` runs, or could run, script that is not the deck's own;
    [] for a clean page.  ``walk``: step through every slide first (a few seconds for a
    session deck)."""
    path = Path(path).resolve()
    assets = (path.parent / "assets").as_uri() + "/"
    page_url = path.as_uri()
    parsed: list[dict] = []
    debugger = []

    def listen(session):
        cdp = session.context.new_cdp_session(session.page)
        cdp.on("Debugger.scriptParsed", lambda event: parsed.append(event))
        cdp.send("Debugger.enable")
        debugger.append(cdp)

    with browser.open_page(path, ready="body[data-deckkit-ready]", before_load=listen) as session:
        page, cdp = session.page, debugger[0]
        if walk:
            for index in range(browser.slide_count(page)):
                browser.show_slide(page, index)
            page.wait_for_timeout(200)
        found = page.evaluate(DOM_PROBE)
        for script in parsed:
            url = script.get("url") or ""
            if not url or url.startswith(assets):
                continue
            if url.split("#")[0].split("?")[0] == page_url:
                source = cdp.send("Debugger.getScriptSource",
                                  {"scriptId": script["scriptId"]})["scriptSource"]
                if source.strip().startswith("deckkitStart(") and source.count(";") <= 1:
                    continue
                found.append(f"an inline script runs: {' '.join(source.split())[:60]!r}")
            else:
                found.append(f"a script from {url[:80]} runs")
    return sorted(set(found))


def audit_pages(pages: list[Path], walked: set[Path], shown) -> list[str]:
    """foreign_scripts() for every page, in one Chromium: the pages in ``walked`` slide by
    slide, the others as they load; each finding prefixed with ``shown(page)``."""
    found = []
    with browser.shared():
        for page in pages:
            found += [f"{shown(page)}: {what}" for what in foreign_scripts(page, page in walked)]
    return found
