"""`deckkit check` as a library call: findings for the whole project, never an exit code."""

from __future__ import annotations

from pathlib import Path

from .checks import check_session, lint_deck
from .decks import deck_paths
from .errors import Finding
from .project import Project
from .steps.execute import DEFAULT_TIMEOUT, execute_notebook
from .steps.mermaid import render_mermaid


def check_project(project: Project, execute: bool = False, timeout: int = DEFAULT_TIMEOUT,
                  progress=None) -> list[Finding]:
    session = project.session()
    findings = check_session(deck_paths(project.decks_dir), session)
    decks, unreadable = project.read_decks()
    findings += unreadable
    cache = project.build_dir / "cache" / "mermaid"
    for deck in decks:
        findings += lint_deck(deck, session)
        findings += render_mermaid(deck.nb, deck.display, cache)[1]
    if execute:
        for i, deck in enumerate(decks, 1):
            if progress:
                progress(f"[{i}/{len(decks)}] {deck.name}: executing")
            findings += execute_notebook(deck.nb, deck.display, Path(deck.path.parent),
                                         timeout).findings
    return findings
