"""Whole-session check: every section has exactly one deck, named after it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..errors import Finding
from ..model.session import Session


def check_session(paths: list[Path], session: Session) -> list[Finding]:
    by_letter: dict[str, list[Path]] = defaultdict(list)
    for p in paths:
        by_letter[p.name[0]].append(p)
    findings = []
    for section in session.sections:
        found = by_letter.pop(section.letter, [])
        expected = f"decks/{section.stem}.ipynb"
        if len(found) > 1:
            names = ", ".join(p.name for p in found)
            findings.append(Finding(expected, "duplicate-section",
                                    f"section {section.label} has {len(found)} decks ({names}); "
                                    "keep exactly one"))
        elif not found and not section.planned:
            findings.append(Finding(expected, "missing-section",
                                    f"section {section.label} has no deck; create it or mark the "
                                    "section `planned = true` in decks/session.toml"))
        elif found and found[0].stem != section.stem:
            findings.append(Finding(f"decks/{found[0].name}", "deck-name",
                                    f"rename it to {section.stem}.ipynb (letter_slug from "
                                    "decks/session.toml)"))
        elif found and section.planned:
            findings.append(Finding(expected, "planned-section",
                                    f"section {section.label} now has a deck; remove "
                                    "`planned = true` from decks/session.toml"))
    total = sum(s.minutes for s in session.sections)
    if abs(total - session.total_minutes) > 1e-6:
        parts = " + ".join(f"{s.letter} {s.minutes:g}" for s in session.sections)
        findings.append(Finding("decks/session.toml", "session-budget",
                                f"sections add up to {total:g} min ({parts}), not the session's "
                                f"total_minutes = {session.total_minutes:g}"))
    for letter, extra in sorted(by_letter.items()):
        valid = ", ".join(s.letter for s in session.sections)
        for p in extra:
            findings.append(Finding(f"decks/{p.name}", "unknown-section",
                                    f'section letter "{letter}" is not in decks/session.toml '
                                    f"(valid: {valid})"))
    return findings
