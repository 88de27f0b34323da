"""Figures drawn from code for the decks (deterministic: fixed data, fixed seeds).

Decks call these in `remove-input` cells; `deckkit figures` also writes them to figures/
(commands/figures.py).
"""

from __future__ import annotations

from pathlib import Path

from . import palette
from .demos import render
from .model.facts import Event, find_decks_dir, load_facts

ROWS = [(2006.5, 2016.5), (2016.5, 2024.5)]     # two rows, so labels can be large
# each idea in its palette role's colour (eager execution is PyTorch's)
ROLE_OF_IDEA = {"graph": "static", "gpu": "gpu", "keras": "keras", "eager": "pytorch",
                "compile": "compile"}
COLOURS = {idea: palette.colour(role) for idea, role in ROLE_OF_IDEA.items()}
LEGEND = {"graph": "graph-first", "gpu": "GPU deep learning", "keras": "high-level API",
          "eager": "eager / define-by-run", "compile": "compilers for eager code"}


def timeline_events(decks_dir: Path | None = None) -> list[Event]:
    """The dated events of decks/facts.toml (found from the working folder by default)."""
    return load_facts(decks_dir or find_decks_dir())


def timeline_figure(events: list[Event] | None = None):
    """The deep-learning framework timeline from decks/facts.toml, coloured by idea: two rows,
    every year marked, labels at 15 pt (≥ 18 px as shown on a 1280×720 slide)."""
    import matplotlib.pyplot as plt

    events = events or timeline_events()
    with render.style(15):
        # 10.5 in wide: shown at its own width on 16:9 and at 0.9 of it on 4:3 (labels ≥ 18 px)
        fig, axes = plt.subplots(len(ROWS), 1, figsize=(10.5, 5.6))
        for ax, (start, end) in zip(axes, ROWS):
            ax.axhline(0, color=palette.MUTED, lw=1.5, zorder=1)
            for year in range(int(start + 0.5), int(end + 0.5)):
                ax.plot([year, year], [-0.12, 0.12], color=palette.MUTED, lw=1, zorder=1)
                ax.text(year, -0.2, str(year), ha="center", va="top", color=palette.INK,
                        fontsize=15)
            for event in events:
                year, label, level = event.year, event.label, event.level
                if not start <= year < end:
                    continue
                colour = COLOURS[event.idea]
                y = 0.75 * level + (0.25 if level > 0 else -0.55)
                ax.plot([year, year], [0, y], color=colour, lw=1.5, zorder=2)
                ax.scatter([year], [0], s=70, color=colour, zorder=3)
                place = (year - start) / (end - start)
                ha = "left" if place < 0.15 else "right" if place > 0.8 else "center"
                ax.annotate(label, (year, y), ha=ha, va="bottom" if level > 0 else "top",
                            fontsize=15, color=palette.INK, linespacing=1.1,
                            bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=colour, lw=1.5))
            ax.set_xlim(start, end)
            ax.set_ylim(-2.6, 2.3)
            ax.axis("off")
        handles = [plt.Line2D([], [], marker="o", ls="", ms=10, color=COLOURS[k], label=v)
                   for k, v in LEGEND.items()]
        fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False, fontsize=15,
                   handletextpad=0.2, columnspacing=1.0)
        fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.15, hspace=0.08)
    return fig


def timeline_alt(events: list[Event]) -> str:
    listed = "; ".join(f"{int(e.year)}: {' '.join(e.label.split())}" for e in events)
    return (f"Timeline of deep-learning frameworks, {int(events[0].year)} to "
            f"{int(events[-1].year)}, coloured by idea ({', '.join(LEGEND.values())}). "
            f"{listed}.")


def timeline(decks_dir: Path | None = None):
    """The timeline as the slide shows it: a PNG with its events in the alt text."""
    events = timeline_events(decks_dir)
    return render.Html(render.figure_png(timeline_figure(events), timeline_alt(events)))


def figures(decks_dir: Path | None = None) -> dict:
    """Every generated figure by file name, as a function that draws it (the timeline only
    where the project has dated facts, decks/facts.toml)."""
    from .demos.training import loss_curves
    from .model.facts import FILE

    drawn = {"loss_curves.png": lambda: loss_curves().chart()}
    if (Path(decks_dir or find_decks_dir()) / FILE).is_file():
        drawn["timeline.png"] = lambda: timeline_figure(timeline_events(decks_dir))
    return drawn


def png_bytes(fig) -> bytes:
    """The figure as PNG, the same bytes for the same figure (no timestamp or version)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()
