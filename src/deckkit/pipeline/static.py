"""The static phase every build and check starts with.

The project is read once (Project.resolve); the pure checks run on every deck, and each deck
goes through the PREPARE steps into its one working copy.  Those prepared notebooks are what the
build executes and exports, so no deck is read or checked twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..checks import check_facts, check_generated, check_offline, check_record, check_session, over_budget
from ..checks.data_facts import check_data_facts
from ..checks.solutions import untagged_answers
from ..errors import DeckError, Finding
from ..model.deck import DECK_NAME, NAMING_RULE, read_deck
from ..model.project import Project, Resolved
from ..model.solutions import exercise_answers
from ..steps import BESIDE_EXECUTION, PREPARE, DeckContext, run_steps

Trace = Callable[[str, str], None]


@dataclass
class Prepared:
    """The project after the static phase: its records, each deck's own working copy of its
    notebook (diagrams rendered), and what the checks found."""

    resolved: Resolved
    notebooks: dict[str, object] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def prepare(project: Project, trace: Trace | None = None, progress=None,
            beside: bool = True) -> Prepared:
    """Read the project, run the pure checks and take each deck through the PREPARE steps.
    ``beside=False`` leaves the BESIDE_EXECUTION steps (the diagrams) to a Beside, which runs
    them while the decks' code runs; True runs them here too (a check that runs no code)."""
    resolved = project.resolve()
    steps = PREPARE + BESIDE_EXECUTION if beside else PREPARE
    session = resolved.session
    out = Prepared(resolved, findings=list(resolved.findings))
    out.findings += check_session(project.deck_paths(), session)
    out.findings += _misnamed(project) + _exercises(project)
    out.findings += untagged_answers(resolved.records, exercise_answers(project.exercises_dir))
    events, made = _facts(project, resolved, out.findings)
    out.findings += check_data_facts(resolved.records, session, recorded_devices())
    for record in resolved.records:
        if trace:
            trace(record.name, "check")
        out.findings += (check_record(record, session) + check_facts(record, events)
                         + check_generated(record, made))
        ctx = DeckContext(record, session, diagram_cache=project.layout.mermaid_cache,
                          progress=progress)
        out.notebooks[record.name], found = run_steps(record.nb, ctx, steps, trace=trace)
        out.findings += found
    return out


def recorded_devices() -> list[str]:
    """What the recorded GPU figures name (demos/transfer.py): the devices a slide or a note
    may say they come from."""
    from ..demos.transfer import RECORDED

    return [RECORDED["device"], RECORDED["source"]]


def _facts(project: Project, resolved: Resolved, findings: list[Finding]):
    """The dated facts slides are held to, and the tables generated from decks/facts.toml
    (none without the file: a project may have no dated claims); a broken facts file is a
    finding, not a crash."""
    from ..model.facts import FILE, load_facts
    from ..model.generated import generated_name, tables

    if not (project.decks_dir / FILE).exists():
        return [], {}
    names = [n for r in resolved.records for n in map(generated_name, r.nb.cells) if n]
    try:
        return load_facts(project.decks_dir), tables(project.decks_dir, names)
    except DeckError as exc:
        findings.append(Finding.from_error(exc, "facts"))
        return [], {}


def _misnamed(project: Project) -> list[Finding]:
    """Notebooks in decks/ that are not decks by name: say the rule, not "no deck"."""
    return [Finding(f"decks/{p.name}", "deck-name", f"is not read as a deck: {NAMING_RULE}")
            for p in sorted(project.decks_dir.glob("*.ipynb")) if not DECK_NAME.match(p.name)]


def _exercises(project: Project) -> list[Finding]:
    """The exercise notebooks `deckkit share` hands out: readable, valid, offline."""
    from ..errors import DeckError

    findings = []
    for path in sorted(project.exercises_dir.glob("*.ipynb")):
        display = f"exercises/{path.name}"
        try:
            nb = read_deck(path).nb   # nbformat's schema included
        except DeckError as exc:
            findings.append(Finding.from_error(exc, "unreadable"))
            continue
        findings += check_offline(nb, display)
    return findings


def timing_warnings(resolved: Resolved, timings: dict) -> list[Finding]:
    """Demo cells that took longer in the last build (``timings``: load_timings of
    build/notes/timings.json) than their slide's budget in speaker_notes/."""
    findings = []
    for record in resolved.records:
        if record.name in timings:
            findings += over_budget(record.display, timings[record.name], record.budgets)
    return findings
