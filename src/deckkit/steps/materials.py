"""Step: where the materials live.  A markdown cell with ``metadata.deckkit.materials = "qr"``
gets the session's ``materials_url`` (decks/session.toml) as a link and a QR code, drawn at
build time as inline SVG (segno): no file, no network, readable from a phone in the room."""

from __future__ import annotations

import html

from ..errors import Finding

KINDS = ("qr",)


def materials_html(url: str) -> str:
    """A QR code of ``url`` (inline SVG with a text alternative) and the link in words."""
    import segno

    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=5, dark="#1b1b1b", light="#ffffff", border=2, svgclass="deckkit-qr",
                        title=f"QR code for {url}")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="QR code for {html.escape(url)}" ', 1)
    link = html.escape(url)
    return (f'<div class="deckkit-materials">{svg}<p><span class="deckkit-materials-label">'
            f'Materials</span><br><a href="{link}">{link}</a><br>'
            '<a class="deckkit-scroll-link" href="?view=scroll">Read these slides as one '
            'scrolling page</a></p></div>')


def add_materials(nb, ctx):
    findings = []
    url = ctx.session.materials_url
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("deckkit", {})
        kind = meta.get("materials") if isinstance(meta, dict) else None
        if not kind or cell.cell_type != "markdown":
            continue
        if not url:
            findings.append(Finding(ctx.display, "materials", "the cell asks for the materials "
                                    "link (metadata.deckkit.materials), and decks/session.toml "
                                    'has no materials_url; add materials_url = "https://…"',
                                    index, cell.source))
            continue
        cell.source = cell.source.rstrip("\n") + "\n\n" + materials_html(url)
    return nb, findings
