"""How demo results look in Jupyter: a small HTML table and a chart as an embedded PNG."""

from __future__ import annotations

import base64
import html
import io

from .. import palette


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


def min_font_px(fig, dpi: float = 100) -> float | None:
    """The smallest visible text in ``fig``, in pixels of its PNG at ``dpi``."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip()]
    return min(sizes) * dpi / 72 if sizes else None


def colours_drawn(fig) -> set[str]:
    """Every colour ``fig`` draws (lines, markers, bars, boxes, points, text) as #rrggbb;
    what is fully transparent or invisible does not count."""
    from matplotlib.collections import Collection
    from matplotlib.colors import to_hex, to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    found: set[str] = set()

    def add(colour) -> None:
        try:
            rgba = to_rgba(colour)
        except (ValueError, TypeError):
            return
        if rgba[3] > 0:
            found.add(to_hex(rgba, keep_alpha=False))

    for artist in fig.findobj(lambda a: a.get_visible()):
        if isinstance(artist, Line2D) and artist.get_linestyle() not in ("None", "none", ""):
            add(artist.get_color())
        if isinstance(artist, Line2D) and artist.get_marker() not in (None, "None", "none", ""):
            add(artist.get_markerfacecolor())
            add(artist.get_markeredgecolor())
        elif isinstance(artist, Patch) and artist not in (fig.patch,):
            add(artist.get_facecolor())
            if artist.get_linewidth():
                add(artist.get_edgecolor())
        elif isinstance(artist, Collection):
            for colour in list(artist.get_facecolors()) + list(artist.get_edgecolors()):
                add(colour)
        elif isinstance(artist, Text) and artist.get_text().strip():
            add(artist.get_color())
    return found


def off_palette(fig) -> list[str]:
    """Colours ``fig`` draws that the talk's palette (deckkit.palette) does not name: a colour
    must mean the same in every chart, so it comes from a role."""
    return sorted(colours_drawn(fig) - palette.known_colours())


def figure_png(fig, alt: str, close: bool = True, tight: bool = True, kind: str = "") -> str:
    """An <img> with the figure as a PNG data URI (no file, works offline); closes the figure.
    ``alt`` says what the chart shows, in words, for a screen reader; ``data-min-font-px`` is
    its smallest text in the PNG's pixels, so the legibility check can scale it as shown.
    ``kind``: one more class, for CSS that lays out the cell around it (deckkit-live-plot)."""
    import matplotlib.pyplot as plt

    dpi = 100
    smallest = min_font_px(fig, dpi)
    foreign = off_palette(fig)
    buf = io.BytesIO()
    if tight:  # crops to what is drawn (a second draw)
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    else:
        # a figure laid out once and redrawn per frame (LivePlot): drawn once, where savefig
        # would draw it twice (a dry run for the layout engine that tight_layout leaves behind,
        # a placeholder that changes nothing): half of each frame's cost
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)
        fig.set_dpi(dpi)
        fig.canvas.print_png(buf)
    if close:  # a figure redrawn in place (LivePlot) stays open between frames
        plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    size = f' data-min-font-px="{smallest:.1f}"' if smallest else ""
    if foreign:  # the contact sheet reports them (output/legibility.py)
        size += f' data-off-palette="{" ".join(foreign)}"'
    classes = f"deckkit-chart {kind}".strip()
    return (f'<img class="{classes}" alt="{html.escape(alt, quote=True)}"{size} '
            'style="max-width:100%" '
            f'src="data:image/png;base64,{data}">')


def style(font_size: float):
    """A context for drawing one chart: the talk's style (applied for good first, so what
    Matplotlib draws later, tick labels at savefig time included, keeps it) with ``font_size``
    points for this chart's text."""
    import matplotlib

    palette.use_mpl_style()
    return matplotlib.rc_context({"font.size": font_size})


def new_figure(width: float = 9, height: float = 3.6, ncols: int = 1, nrows: int = 1):
    """A figure in the talk's style (deckkit.palette: its font, greys and role colours)."""
    import matplotlib.pyplot as plt

    palette.use_mpl_style()

    return plt.subplots(nrows, ncols, figsize=(width, height))


def side_by_side(left: str, right: str) -> str:
    """Table and notes on the left, the chart on the right: fits a 16:9 slide."""
    return ('<div class="deckkit-demo-result" style="display:flex; gap:1.2em; '
            'align-items:flex-start">'
            f'<div style="flex:1 1 52%; min-width:0">{left}</div>'
            f'<div style="flex:1 1 48%; min-width:0">{right}</div></div>')


def note(text: str) -> str:
    """A caption under a table or chart, at the room's size (at least 18 px on the slide)."""
    if not text:
        return ""
    return f'<p class="deckkit-caption">{html.escape(text)}</p>'


def fmt_time(seconds: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"
