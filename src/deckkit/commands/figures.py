"""`deckkit figures`: write the generated figures to figures/, each file atomically."""

from __future__ import annotations

from pathlib import Path

from ..figures import figures, png_bytes
from ..model.layout import write_atomic


def write_figures(folder: Path, decks_dir: Path | None = None) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    return [write_atomic(Path(folder) / name, png_bytes(draw()))
            for name, draw in figures(decks_dir).items()]
