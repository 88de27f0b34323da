"""`deckkit build` as a library call: lint, execute, render diagrams, export every deck and the
session deck under build/html/.  Sources are only read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import export
from .checks import check_session, lint_deck
from .decks import deck_paths
from .errors import Finding
from .project import Project
from .steps.execute import DEFAULT_TIMEOUT, execute_notebook
from .steps.mermaid import render_mermaid
from .steps.session import label_section, merge_session


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
    session = project.session()
    result.findings += check_session(deck_paths(project.decks_dir), session)
    decks, unreadable = project.read_decks()
    result.findings += unreadable
    for deck in decks:
        result.findings += lint_deck(deck, session)
    if not result.ok:
        return result  # never export a deck that does not pass the static checks

    html_dir = project.build_dir / "html"
    cache = project.build_dir / "cache" / "mermaid"
    progress("assets: copying reveal.js, MathJax and deckkit's theme into build/html/assets")
    export.write_assets(html_dir)
    parts = []
    sections = {s.letter: s for s in session.sections}
    for i, deck in enumerate(decks, 1):
        section = sections[deck.letter]
        step = f"[{i}/{len(decks)}] {deck.name}"
        progress(f"{step}: executing")
        run = execute_notebook(deck.nb, deck.display, deck.path.parent, timeout)
        result.findings += run.findings
        if not run.ok:
            continue
        progress(f"{step}: rendering diagrams")
        nb, problems = render_mermaid(run.nb, deck.display, cache)
        result.findings += problems
        nb = label_section(nb, section)
        progress(f"{step}: exporting slides")
        out = html_dir / f"{deck.name}.slides.html"
        export.write_text_atomic(out, export.slides_html(nb, f"{section.label} — {session.title}"))
        result.outputs.append(out)
        parts.append((section, nb))
    if result.ok and parts:
        progress(f"session: exporting {len(parts)} sections as one deck")
        merged = merge_session(parts, session.title)
        out = html_dir / "session.slides.html"
        export.write_text_atomic(out, export.slides_html(merged, session.title))
        result.outputs.append(out)
    return result
