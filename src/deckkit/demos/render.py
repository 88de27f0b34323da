"""How demo results look in Jupyter: a small HTML table and a chart as an embedded PNG."""

from __future__ import annotations

import base64
import html
import io


class Html(str):
    """A piece of HTML that Jupyter shows as HTML when it is a cell's last value."""

    def _repr_html_(self) -> str:
        return str(self)


def table(headers: list[str], rows: list[list[object]], readable: bool = False) -> str:
    """``readable``: the room's size (every cell at least 18 px on a 1280×720 slide)."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    css = "deckkit-demo deckkit-readable" if readable else "deckkit-demo"
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def figure_png(fig, alt: str = "chart") -> str:
    """An <img> with the figure as a PNG data URI (no file, works offline); closes the figure.
    ``alt`` says what the chart shows, in words, for a screen reader."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<img class="deckkit-chart" alt="{html.escape(alt, quote=True)}" '
            'style="max-width:100%" '
            f'src="data:image/png;base64,{data}">')


def new_figure(width: float = 9, height: float = 3.6, ncols: int = 1, nrows: int = 1):
    import matplotlib.pyplot as plt

    return plt.subplots(nrows, ncols, figsize=(width, height))


def side_by_side(left: str, right: str) -> str:
    """Table and notes on the left, the chart on the right: fits a 16:9 slide."""
    return ('<div class="deckkit-demo-result" style="display:flex; gap:1.2em; '
            'align-items:flex-start">'
            f'<div style="flex:1 1 52%; min-width:0">{left}</div>'
            f'<div style="flex:1 1 48%; min-width:0">{right}</div></div>')


def note(text: str, readable: bool = False) -> str:
    if not text:
        return ""
    if readable:  # at least 18 px on the slide
        return f'<p class="deckkit-caption">{html.escape(text)}</p>'
    return f'<p class="deckkit-note"><small>{html.escape(text)}</small></p>'


def fmt_time(seconds: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"
