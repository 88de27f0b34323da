"""Step: where the materials live.  A markdown cell with ``metadata.deckkit.materials = "qr"``
gets the session's ``materials_url`` (decks/session.toml) as a link and a QR code, drawn at
build time as inline SVG (segno): no file, no network, readable from a phone in the room."""

from __future__ import annotations

import html

from ..errors import Finding

KINDS = ("qr",)


def materials_html(url: str, image: bool = False) -> str:
    """A QR code of ``url`` (inline SVG with a text alternative) and the link in words.
    ``image``: the SVG as an <img> data URI instead, for JupyterLab, whose markdown sanitiser
    strips inline SVG (RISE would show only the code's title)."""
    import segno

    qr = segno.make(url, error="m")
    if image:  # a whole SVG document (with its namespace), or the browser shows none
        uri = qr.svg_data_uri(scale=5, dark="#1b1b1b", light="#ffffff", border=2)
        alt = html.escape(f"QR code for {url}", quote=True)
        svg = f'<img class="deckkit-qr" data-no-text="true" alt="{alt}" src="{uri}">'
    else:
        svg = qr.svg_inline(scale=5, dark="#1b1b1b", light="#ffffff", border=2,
                            svgclass="deckkit-qr", title=f"QR code for {url}")
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="QR code for {html.escape(url)}" ',
                          1)
    link = html.escape(url)
    return (f'<div class="deckkit-materials">{svg}<p><span class="deckkit-materials-label">'
            f'Materials</span><br><a href="{link}">{link}</a><br>'
            '<a class="deckkit-scroll-link" href="?view=scroll">Read these slides as one '
            'scrolling page</a></p></div>')


def wanting(nb) -> list[int]:
    """The markdown cells that ask for the materials link (metadata.deckkit.materials)."""
    found = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("deckkit", {})
        kind = meta.get("materials") if isinstance(meta, dict) else None
        if kind and cell.cell_type == "markdown":
            found.append(index)
    return found


def attach(nb, url: str, image: bool = False) -> None:
    """The link and QR code under every cell that asks for them (the export and RISE alike)."""
    for index in wanting(nb):
        cell = nb.cells[index]
        cell.source = cell.source.rstrip("\n") + "\n\n" + materials_html(url, image)


def add_materials(nb, ctx):
    url = ctx.session.materials_url
    if url:
        attach(nb, url)
        return nb, []
    return nb, [Finding(ctx.display, "materials", "the cell asks for the materials link "
                        "(metadata.deckkit.materials), and decks/session.toml has no "
                        'materials_url; add materials_url = "https://…"', index,
                        nb.cells[index].source) for index in wanting(nb)]
