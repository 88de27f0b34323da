"""The presented folder (build/present/) that `deckkit present` serves to RISE, made so the
live slideshow looks like the exported deck and every demo has a safety net:

- the deck with the last build's outputs (the execution cache's), each marked "recorded <day>,
  <device>", hidden inputs collapsed, and RISE set to the export's slide layout;
- ``rise.css`` (RISE loads it from the notebook's folder): the export's stylesheet plus what
  RISE's own page needs;
- ``<deck>.live.json``: each demo cell's recorded output, label, time budget and whether it
  is meant to raise, plus the hidden set-up cells; read by the kernel extension deckkit.live;
- a kernelspec under ``jupyter/kernels`` (put on JUPYTER_PATH for the server deckkit starts)
  that loads deckkit.live into every kernel, a restarted one included;
- JupyterLab settings for that server (code lines wrap inside their box on a narrow screen).

Nothing here writes outside build/present/; decks/ is read only.
"""

from __future__ import annotations

import copy
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..execution.cache import CacheCorrupt, ExecutionCache, execution_key
from ..live import FOLDER_ENV, LOG_NAME, badge_bundle
from ..model.layout import write_atomic
from ..model.project import DeckRecord, Project
from ..model.slides import slide_type
from ..output.export import TEMPLATE, stylesheet
from ..steps.attach_notes import insert_notes
from ..steps.materials import attach as attach_materials
from ..steps.opener import attach as attach_opener

# A live cell that runs past this many times its recorded time (and at least MIN_BUDGET_S)
# is stopped and its recorded output shown.
BUDGET_FACTOR = 4.0
MIN_BUDGET_S = 10.0
# RISE's slide area: the window itself at scale 1 (as RISE does by default), with the export's
# 4 % margin, so text is drawn at its CSS size on a 16:9 and a 4:3 screen alike (a fixed
# 1280x720 slide would be shrunk to 0.77 on a 1024x768 projector, code to 16 px).  No arrow
# buttons: on a full slide they sat over its last line; the presenter moves with keys or a
# clicker, and the slide number and progress bar say where the talk is.
LIVE_LAYOUT = {"width": "100%", "height": "100%", "margin": 0.04, "minScale": 1,
               "center": False, "controls": False, "progress": True}


@dataclass
class Recorded:
    """A deck's presented notebook and what the safety net knows of its cells."""
    nb: nbformat.NotebookNode
    cells: dict = field(default_factory=dict)     # cell id -> recording
    setup: list = field(default_factory=list)     # sources of the hidden set-up cells
    missing: list = field(default_factory=list)   # decks with no recorded outputs (why)


def badge_text(recorded: dict) -> str:
    """ "recorded 5 Dec, H200" (the day and the device the build ran on)."""
    try:
        day = datetime.date.fromisoformat(recorded.get("date", ""))
        when = f"{day.day} {day.strftime('%b')}"
    except ValueError:
        when = ""
    device = recorded.get("device") or ""
    return "recorded" + (f" {when}" if when else "") + (f", {device}" if device else "")


def cell_seconds(cell) -> float | None:
    """How long a cell ran in the recording (Jupyter's execution timestamps), or None."""
    timing = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.datetime.fromisoformat(
            str(timing["iopub.execute_input"]).replace("Z", "+00:00"))
        end = datetime.datetime.fromisoformat(
            str(timing["shell.execute_reply"]).replace("Z", "+00:00"))
    except (KeyError, ValueError, TypeError):
        return None
    return max(0.0, (end - start).total_seconds())


def budget(cell, seconds: float | None) -> float:
    runs_for = cell.metadata.get("deckkit", {}).get("runs_for")
    base = max(float(runs_for) if isinstance(runs_for, (int, float)) else 0.0, seconds or 0.0)
    return round(max(MIN_BUDGET_S, BUDGET_FACTOR * base), 1)


def is_setup(cell) -> bool:
    """A hidden set-up cell: code the room never sees, run before the deck's demos."""
    return (cell.cell_type == "code"
            and slide_type(cell) == "skip"
            and "skip-execution" not in cell.metadata.get("tags", []))


def recorded_deck(project: Project, record: DeckRecord) -> Recorded:
    """One section as RISE shows it: its speaker notes as notes cells, the last build's
    outputs (when the cache holds them for this exact code) and the safety net's table."""
    nb = copy.deepcopy(record.nb)
    cache = ExecutionCache(project.layout.exec_cache)
    result = Recorded(nb)
    has_code = any(c.cell_type == "code" for c in nb.cells)
    loaded = None
    if has_code:
        try:
            loaded = cache.load(record.name, execution_key(record.nb, list(record.inputs)), nb)
        except (CacheCorrupt, OSError) as exc:
            result.missing.append(f"{record.display}: its recorded outputs are damaged ({exc})")
        else:
            if loaded is None:
                result.missing.append(f"{record.display}: no recorded outputs for its current "
                                      "code (run deckkit build)")
    badge = badge_text(cache.recorded(record.name)) if loaded is not None else "recorded"
    number = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        tags = cell.metadata.get("tags", [])
        if is_setup(cell):
            result.setup.append(cell.source)
            continue
        if "remove-input" in tags:   # the export shows only its output: so does RISE
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
        outputs = [copy.deepcopy(o) for o in cell.get("outputs", [])]
        if outputs:
            cell.outputs.append(nbformat.from_dict(
                {"output_type": "display_data", "data": badge_bundle(badge, "recorded"),
                 "metadata": {}}))
        result.cells[cell.id] = {
            "label": f"{record.display}, code cell {number}",
            "outputs": outputs, "badge": badge,
            "budget_s": budget(cell, cell_seconds(cell)),
            "expects_error": "raises-exception" in tags}
    _draw_diagrams(project, record, nb)
    session = project.session()
    if session.materials_url:  # the export's link and QR code, on the same slide
        attach_materials(nb, session.materials_url, image=True)
    attach_opener(nb, session, record.section.letter)   # the export's opening band
    if record.notes:
        insert_notes(nb, record.notes)
    return result


def _draw_diagrams(project: Project, record: DeckRecord, nb) -> None:
    """The export's pictures of the deck's Mermaid diagrams (the build's cache has them), not
    JupyterLab's own drawing, which clips labels in another font."""
    from ..errors import DeckError
    from ..steps.mermaid import render_mermaid

    if not any(c.cell_type == "markdown" and "```mermaid" in c.source for c in nb.cells):
        return
    try:
        render_mermaid(nb, record.display, project.layout.mermaid_cache)
    except DeckError:
        pass  # no mermaidx here: RISE draws the fences itself


def rise_css() -> str:
    """The export's stylesheet, then what RISE's page needs to match it."""
    return (stylesheet() + "\n"
            + (TEMPLATE / "rise.css").read_text(encoding="utf-8"))


def live_kernelspec(name: str, folder: Path) -> dict | None:
    """The deck's kernelspec with deckkit.live loaded, or None when it is not an IPython
    kernel deckkit can extend (it is then presented without the safety net)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except (NoSuchKernel, OSError, ValueError):
        return None
    if not any("ipykernel" in str(a) for a in spec.argv):
        return None
    return {"argv": list(spec.argv) + ["--InteractiveShellApp.extra_extensions=deckkit.live"],
            "display_name": f"{spec.display_name} (deckkit live)", "language": spec.language,
            "env": {**(spec.env or {}), "DECKKIT_LIVE": str(folder.resolve())},
            "interrupt_mode": spec.interrupt_mode, "metadata": spec.metadata or {}}


def write_room(project: Project, name: str, deck: Recorded, title: str) -> Path:
    """Write the presented folder for one notebook and return the notebook's path."""
    folder = project.layout.present_dir
    folder.mkdir(parents=True, exist_ok=True)
    nb = deck.nb
    _sign(nb)
    path = write_atomic(project.layout.present(name), nbformat.writes(nb))
    write_atomic(folder / "rise.css", rise_css())
    write_atomic(folder / f"{name}.live.json", json.dumps(
        {"deck": title, "cells": deck.cells, "setup": deck.setup}))
    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    spec = live_kernelspec(kernel, folder)
    if spec is not None:
        write_atomic(folder / "jupyter" / "kernels" / kernel / "kernel.json",
                     json.dumps(spec, indent=1))
    settings = folder / "settings" / "@jupyterlab" / "notebook-extension"
    # every cell attached and drawn up front: JupyterLab's default skips drawing the cells off
    # screen, and on a busy laptop a slide RISE has just shown could stay blank for seconds
    write_atomic(settings / "tracker.jupyterlab-settings",
                 json.dumps({"codeCellConfig": {"lineWrap": True}, "windowingMode": "none"}))
    return path


def _sign(nb) -> None:
    """Mark the presented copy trusted, as `jupyter trust` would: its outputs were made by this
    machine's build, so RISE shows their HTML (tables, charts) as the export does."""
    try:
        from nbformat.sign import NotebookNotary

        NotebookNotary().sign(nb)
    except Exception:  # noqa: BLE001 - an unwritable signature store only costs trust
        pass


def server_env(project: Project) -> dict:
    """What the server deckkit starts needs in its environment for the presented folder."""
    folder = project.layout.present_dir.resolve()
    return {"JUPYTER_PATH": str(folder / "jupyter"), FOLDER_ENV: str(folder),
            "JUPYTERLAB_SETTINGS_DIR": str(folder / "settings")}


class LiveLog:
    """Follows build/present/live.log, where kernels name the failures the room did not see."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / LOG_NAME
        self.offset = 0

    def reset(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("", encoding="utf-8")
        self.offset = 0

    def new_lines(self) -> list[str]:
        try:
            with open(self.path, encoding="utf-8") as f:
                f.seek(self.offset)
                chunk = f.read()
                self.offset = f.tell()
        except OSError:
            return []
        said = []
        for line in chunk.splitlines():
            try:
                entry = json.loads(line)
                if entry.get("news"):   # not a failure: what the kernel is doing
                    said.append(f"live: {entry.get('cell') or 'the kernel'}: "
                                f"{entry.get('problem')}")
                    continue
                cell = entry.get("cell") or "a cell"
                what = (" — the room sees its recorded output" if entry.get("restored")
                        else "")
                said.append(f"live: {cell} failed: {entry.get('problem')}{what}")
            except (ValueError, AttributeError):
                continue
        return said
