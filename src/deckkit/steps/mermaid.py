"""Render Mermaid fences in markdown cells to SVG at build time, with no browser or network.

mermaidx runs mermaid.js inside an embedded JS engine.  Each diagram becomes an <img> with an
SVG data URI: every mermaidx SVG uses the same element id, so inlining several would clash,
and an image renders the same on a hidden slide as on the current one.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

from ..errors import DeckError, Finding
from ..output.layout import write_atomic

FENCE = re.compile(r"^```mermaid[ \t]*\n(.*?)\n```[ \t]*$", re.DOTALL | re.MULTILINE)
CONFIG = {"flowchart": {"htmlLabels": False}, "theme": "default"}


def render_svg(source: str, cache_dir: Path | None = None) -> str:
    """SVG text for one diagram; cached by content hash under ``cache_dir``."""
    try:
        import mermaidx
    except ImportError:
        raise DeckError("Mermaid diagrams need mermaidx", fix="pip install mermaidx") from None
    key = hashlib.sha256(f"{mermaidx.__version__}\n{CONFIG}\n{source}".encode()).hexdigest()
    cached = Path(cache_dir) / f"{key}.svg" if cache_dir else None
    if cached and cached.exists():
        return cached.read_text(encoding="utf-8")
    svg = mermaidx.render(source, config=CONFIG).svg()
    if cached:
        try:
            write_atomic(cached, svg)
        except OSError:
            pass  # a read-only checkout: render again next time rather than fail
    return svg


def diagram_sources(nb) -> list[tuple[int, str]]:
    """(cell index, mermaid source) for every fence in the notebook's markdown cells."""
    return [(i, m.group(1)) for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
            for m in FENCE.finditer(cell.source)]


def render_diagrams(nb, ctx):
    """Step: fences replaced by images (in place), a finding for each broken diagram."""
    return render_mermaid(nb, ctx.display, ctx.diagram_cache)


def render_mermaid(nb, display: str, cache_dir: Path | None = None):
    """(``nb`` with fences replaced by images, changed in place; findings for broken diagrams)."""
    findings: list[Finding] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or "```mermaid" not in cell.source:
            continue

        def replace(match, index=index, cell=cell):
            try:
                svg = render_svg(match.group(1), cache_dir)
            except DeckError:
                raise
            except Exception as exc:
                msg = " ".join(str(exc).split())[:200]
                findings.append(Finding(display, "mermaid", f"Mermaid diagram does not render "
                                        f"({msg}); check its syntax", index, cell.source))
                return f"<pre>{html.escape(match.group(1))}</pre>"
            data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
            alt = html.escape(_alt_text(match.group(1)), quote=True)
            return (f'<div class="deckkit-mermaid"><img alt="{alt}" '
                    f'src="data:image/svg+xml;base64,{data}"></div>')

        cell.source = FENCE.sub(replace, cell.source)
    return nb, findings


def _alt_text(source: str) -> str:
    labels = re.findall(r'\["?([^"\]]+)"?\]', source)
    return "Diagram: " + " → ".join(labels[:8]) if labels else "Diagram"
