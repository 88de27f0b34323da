"""`deckkit check` as a library call: findings for the whole project, never an exit code."""

from __future__ import annotations

from .checks import check_notes, check_session, lint_deck
from .decks import Deck, deck_paths
from .errors import Finding
from .project import Project
from .session import Session
from .steps.execute import DEFAULT_TIMEOUT
from .steps.mermaid import render_mermaid
from .steps.parallel import run_decks


def static_checks(project: Project) -> tuple[Session, list[Deck], list[Finding]]:
    """Everything checkable without running code; decks come back in session order."""
    session = project.session()
    findings = check_session(deck_paths(project.decks_dir), session)
    decks, unreadable = project.read_decks()
    findings += unreadable
    sections = {s.letter: s for s in session.sections}
    order = {s.letter: i for i, s in enumerate(session.sections)}
    decks = sorted((d for d in decks if d.letter in sections), key=lambda d: order[d.letter])
    cache = project.build_dir / "cache" / "mermaid"
    for deck in decks:
        findings += lint_deck(deck, session)
        findings += check_notes(deck, project.notes_dir, sections[deck.letter])
        findings += render_mermaid(deck.nb, deck.display, cache)[1]
    return session, decks, findings


def over_budget(deck: Deck, timings: list[dict], notes_seconds: dict[str, float]) -> list[Finding]:
    """A warning for each slide whose code took longer in the last build than its budget."""
    spent: dict[str, float] = {}
    for t in timings:
        if t["slide"]:
            spent[t["slide"]] = spent.get(t["slide"], 0.0) + t["seconds"]
    return [Finding(deck.display, "demo-over-budget", f'slide "{key}": its code took {secs:.1f} s '
                    f"in the last build, more than the slide's {notes_seconds[key]:g} s budget",
                    severity="warning")
            for key, secs in spent.items() if key in notes_seconds and secs > notes_seconds[key]]


def timing_warnings(project: Project, decks: list[Deck]) -> list[Finding]:
    """Demo cells that took longer in the last build (build/notes/timings.json) than their
    slide's budget in speaker_notes/."""
    from .errors import DeckError
    from .notes import read_notes
    from .runsheet import load_timings

    timings, findings = load_timings(project), []
    for deck in decks:
        path = project.notes_dir / f"{deck.name}.md"
        if deck.name in timings and path.exists():
            try:
                budgets = {n.key: n.seconds for n in read_notes(path).slides}
            except DeckError:
                continue  # reported by the static checks
            findings += over_budget(deck, timings[deck.name], budgets)
    return findings


def check_project(project: Project, execute: bool = False, timeout: int = DEFAULT_TIMEOUT,
                  progress=None, workers: int | None = None) -> list[Finding]:
    _, decks, findings = static_checks(project)
    findings += timing_warnings(project, decks)
    if execute:
        for _, execution in run_decks(decks, timeout, workers, progress or (lambda m: None)):
            findings += execution.findings
    return findings
