"""`deckkit build` as a library call: check, execute, render diagrams, attach speaker notes and
timings, export every deck and the session deck under build/html/, and write the run sheet
under build/notes/.  Sources are only read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from . import export
from .check import over_budget, static_checks
from .errors import Finding
from .notes import read_notes
from .project import Project
from .runsheet import as_html, run_sheet, timings_path
from .steps.execute import DEFAULT_TIMEOUT, execute_notebook
from .steps.mermaid import render_mermaid
from .steps.notes import attach_notes, deck_seconds
from .steps.session import label_section, merge_session
from .steps.timing import cell_timings


@dataclass
class BuildResult:
    outputs: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def build_project(project: Project, timeout: int = DEFAULT_TIMEOUT,
                  progress=lambda msg: None) -> BuildResult:
    result = BuildResult()
    session, decks, result.findings = static_checks(project)
    if not result.ok:
        return result  # never export a deck that does not pass the static checks

    html_dir = project.build_dir / "html"
    cache = project.build_dir / "cache" / "mermaid"
    progress("assets: copying reveal.js, MathJax and deckkit's theme into build/html/assets")
    export.write_assets(html_dir)
    parts, timings = [], {}
    sections = {s.letter: s for s in session.sections}
    for i, deck in enumerate(decks, 1):
        section = sections[deck.letter]
        step = f"[{i}/{len(decks)}] {deck.name}"
        progress(f"{step}: executing")
        run = execute_notebook(deck.nb, deck.display, deck.path.parent, timeout)
        result.findings += run.findings
        if not run.ok:
            continue
        notes = read_notes(project.notes_dir / f"{deck.name}.md")
        timings[deck.name] = cell_timings(run.nb)
        result.findings += over_budget(deck, timings[deck.name],
                                       {n.key: n.seconds for n in notes.slides})
        progress(f"{step}: rendering diagrams")
        nb, problems = render_mermaid(run.nb, deck.display, cache)
        result.findings += problems
        nb = label_section(attach_notes(nb, notes), section)
        progress(f"{step}: exporting slides")
        out = html_dir / f"{deck.name}.slides.html"
        export.write_text_atomic(out, export.slides_html(
            nb, f"{section.label} — {session.title}", deck_seconds(nb)))
        result.outputs.append(out)
        parts.append((section, nb))
    if result.ok and parts:
        progress(f"session: exporting {len(parts)} sections as one deck")
        merged = merge_session(parts, session.title)
        out = html_dir / "session.slides.html"
        export.write_text_atomic(out, export.slides_html(merged, session.title,
                                                         deck_seconds(merged)))
        result.outputs.append(out)
    progress("notes: writing the run sheet")
    export.write_text_atomic(timings_path(project), json.dumps(timings, indent=1))
    sheet = project.build_dir / "notes" / "run-sheet.html"
    export.write_text_atomic(sheet, as_html(run_sheet(project), session.title))
    result.outputs.append(sheet)
    return result
