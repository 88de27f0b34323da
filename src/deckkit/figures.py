"""Figures drawn from code for the decks (deterministic: fixed data, fixed seeds).

Decks call these in `remove-input` cells; `deckkit figures` also writes them to figures/
(commands/figures.py).
"""

from __future__ import annotations

# (year as a decimal, label, era colour key) — dates verified in shared/CONTENT.md
TIMELINE = [
    (2007.0, "Theano\nfirst release", "graph"),
    (2012.75, "AlexNet wins ILSVRC\n15.3 % vs 26.2 % top-5", "gpu"),
    (2014.5, "Caffe paper", "graph"),
    (2015.24, "Keras\n27 Mar 2015", "keras"),
    (2015.45, "Chainer:\ndefine-by-run", "eager"),
    (2015.86, "TensorFlow open-sourced\n9 Nov 2015 (1.0: Feb 2017)", "graph"),
    (2017.05, "PyTorch\npublic beta, Jan 2017", "eager"),
    (2018.5, "TF eager\nmode", "eager"),
    (2018.95, "JAX\nopen-sourced", "graph"),
    (2019.7, "TF 2.0: eager\nby default", "eager"),
    (2022.92, "PyTorch 2.0 / torch.compile\nannounced 2 Dec 2022", "compile"),
    (2023.2, "2.0 stable\n15 Mar 2023", "compile"),
    (2023.85, "Keras 3:\nmulti-backend", "keras"),
]
COLOURS = {"graph": "#4c78a8", "gpu": "#54a24b", "keras": "#f58518", "eager": "#e45756",
           "compile": "#b279a2"}
LEGEND = {"graph": "graph-first", "gpu": "GPU deep learning", "keras": "high-level API",
          "eager": "eager / define-by-run", "compile": "compilers for eager code"}


def timeline_figure():
    """The deep-learning framework timeline, 2007–2023, coloured by idea."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(13, 4.6))
    ax.axhline(0, color="#333", lw=1.5, zorder=1)
    levels = [1.9, -1.5, 1.0, -2.7, 2.8, -0.8, 1.9, -2.0, 0.9, -1.1, 2.2, -2.4, 0.9]
    for (year, label, kind), level in zip(TIMELINE, levels):
        colour = COLOURS[kind]
        ax.plot([year, year], [0, level], color=colour, lw=1.2, zorder=2)
        ax.scatter([year], [0], s=45, color=colour, zorder=3)
        ax.annotate(label, (year, level), ha="center", va="bottom" if level > 0 else "top",
                    fontsize=9.5, color="#222",
                    bbox=dict(boxstyle="round,pad=0.25", fc="white", ec=colour, lw=1.2))
    for year in range(2007, 2025, 2):
        ax.text(year, -0.25, str(year), ha="center", va="top", fontsize=9, color="#555")
    handles = [plt.Line2D([], [], marker="o", ls="", color=COLOURS[k], label=v)
               for k, v in LEGEND.items()]
    ax.legend(handles=handles, loc="lower left", fontsize=9, ncol=5, frameon=False,
              bbox_to_anchor=(0, -0.12))
    ax.set_xlim(2006.2, 2024.8)
    ax.set_ylim(-3.6, 3.8)
    ax.axis("off")
    fig.tight_layout()
    return fig


def figures() -> dict:
    """Every generated figure by file name, as a function that draws it."""
    from .demos.training import loss_curves

    return {"timeline.png": timeline_figure, "loss_curves.png": lambda: loss_curves().chart()}


def png_bytes(fig) -> bytes:
    """The figure as PNG, the same bytes for the same figure (no timestamp or version)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()
