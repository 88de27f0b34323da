"""Markdown cells whose table is written from decks/facts.toml: a cell with
``metadata.deckkit.generated = "mapping"`` holds deck I's Keras ↔ PyTorch table.  The table
is committed in the notebook (RISE shows it live, git shows its changes); `deckkit clean`
rewrites it from the facts and `deckkit check` reports a table that differs from them."""

from __future__ import annotations

from pathlib import Path

from .facts import load_mappings, mapping_table

GENERATORS = {"mapping": lambda decks_dir: mapping_table(load_mappings(decks_dir))}


def generated_name(cell) -> str | None:
    meta = cell.get("metadata", {}).get("deckkit", {})
    name = meta.get("generated") if isinstance(meta, dict) else None
    return name if cell.get("cell_type") == "markdown" and name else None


def tables(decks_dir: Path, names) -> dict[str, str]:
    """The markdown table of each generator in ``names`` (known ones only)."""
    return {name: GENERATORS[name](decks_dir) for name in sorted(set(names))
            if name in GENERATORS}


def with_table(source: str, table: str) -> str:
    """``source`` with its first markdown table replaced by ``table`` (added after a blank
    line when it has none); the heading and any text around the table stay."""
    lines = source.split("\n")
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("|")), None)
    if start is None:
        return source.rstrip("\n") + "\n\n" + table
    end = start
    while end < len(lines) and lines[end].lstrip().startswith("|"):
        end += 1
    return "\n".join(lines[:start] + table.split("\n") + lines[end:])


def stale_cells(nb, made: dict[str, str]) -> list[tuple[int, str]]:
    """(cell index, generator) for each generated cell whose table differs from ``made``."""
    out = []
    for index, cell in enumerate(nb.cells):
        name = generated_name(cell)
        if name in made and with_table(cell.source, made[name]) != cell.source:
            out.append((index, name))
    return out


def refresh(nb, made: dict[str, str]) -> int:
    """Rewrite stale generated tables in ``nb`` (in place); returns how many changed."""
    stale = stale_cells(nb, made)
    for index, name in stale:
        nb.cells[index].source = with_table(nb.cells[index].source, made[name])
    return len(stale)
