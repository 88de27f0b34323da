"""The printable run sheet: each section's clock start and budget, its slides with budgets,
the questions to ask, and each demo cell with its measured duration from the last build."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

from ..model.layout import BuildLayout
from ..model.notes import SectionNotes
from ..model.project import Resolved
from ..model.session import Section


@dataclass
class SheetSection:
    section: Section
    start_min: float
    notes: SectionNotes | None
    timings: list[dict] = field(default_factory=list)
    rehearsed: dict[str, float] = field(default_factory=dict)   # slide key -> seconds

    def rehearsed_seconds(self) -> float | None:
        """The section's rehearsed time, None when none of its slides was rehearsed."""
        keys = [n.key for n in self.notes.slides] if self.notes else []
        spent = [self.rehearsed[k] for k in keys if k in self.rehearsed]
        return sum(spent) if spent else None


def clock(minutes: float) -> str:
    total = round(minutes * 60)
    return f"{total // 3600}:{total % 3600 // 60:02d}" + (f":{total % 60:02d}" if total % 60 else "")


def _fmt(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


def load_timings(layout: BuildLayout) -> dict:
    """Cell timings of the last build by deck name ({} before the first build)."""
    try:
        return json.loads(layout.timings.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # no build yet, or a damaged file: no timings
        return {}


def load_rehearsal(layout: BuildLayout) -> tuple[str, dict[str, float]]:
    """The last rehearsal recorded by `deckkit preview`: (its day, seconds per slide key);
    ("", {}) when there is none or it cannot be read."""
    path = layout.latest_rehearsal()
    if path is None:
        return "", {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        slides = {str(k): float(v) for k, v in data.get("slides", {}).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return "", {}
    return str(data.get("day", path.stem.removeprefix("rehearsal-"))), slides


def run_sheet(resolved: Resolved, timings: dict,
              rehearsed: dict[str, float] | None = None) -> list[SheetSection]:
    """The sheet from what the build (or `deckkit notes`) already holds in memory."""
    notes = {r.section.letter: r.notes for r in resolved.records}
    out, start = [], 0.0
    for section in resolved.session.sections:
        out.append(SheetSection(section, start, notes.get(section.letter),
                                timings.get(section.stem, []), rehearsed or {}))
        start += section.minutes
    return out


def duration(seconds: float) -> str:
    """A measured time as a presenter reads it: "45 s", "2 min", "9 min 34 s"."""
    total = round(seconds)
    minutes, rest = divmod(total, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def _vs(planned: float, rehearsed: float | None) -> str:
    """"rehearsed 2 min 30 s (+30 s)": the rehearsal against the plan."""
    if rehearsed is None:
        return ""
    diff = rehearsed - planned
    sign = "+" if diff > 0.5 else "−" if diff < -0.5 else "±"
    return f"rehearsed {duration(rehearsed)} ({sign}{duration(abs(diff))})"


def as_text(sheet: list[SheetSection]) -> str:
    lines = []
    for part in sheet:
        s = part.section
        spent = part.rehearsed_seconds()
        lines.append(f"{clock(part.start_min):>7}  {s.label}  ({s.minutes:g} min)"
                     + (f"  {_vs(s.minutes * 60, spent)}" if spent is not None else ""))
        if part.notes is None:
            lines.append("         (no speaker notes yet)")
            continue
        at = part.start_min * 60
        for note in part.notes.slides:
            lines.append(f"{clock(at / 60):>7}    {note.key:<24} {_fmt(note.seconds):>7}"
                         + (f"  {_vs(note.seconds, part.rehearsed[note.key])}"
                            if note.key in part.rehearsed else ""))
            for q, a in note.questions:
                lines.append(f"             ? {q}" + (f"  → {a}" if a else ""))
            for t in (t for t in part.timings if t["slide"] == note.key):
                lines.append(f"             ▶ {t['source']}  ({t['seconds']:.1f} s last build)")
            at += note.seconds
    return "\n".join(lines)


def as_html(sheet: list[SheetSection], title: str) -> str:
    e = html.escape
    rows = []
    for part in sheet:
        s = part.section
        spent = part.rehearsed_seconds()
        rows.append(f'<tr class="section"><th>{clock(part.start_min)}</th>'
                    f"<th colspan=2>{e(s.label)}</th><th>{s.minutes:g} min</th>"
                    f"<th>{e(_vs(s.minutes * 60, spent))}</th></tr>")
        if part.notes is None:
            rows.append('<tr><td></td><td colspan=4 class="muted">no speaker notes yet</td></tr>')
            continue
        at = part.start_min * 60
        for note in part.notes.slides:
            cues = [f"<div class=q>? {e(q)}" + (f" <span class=a>→ {e(a)}</span>" if a else "")
                    + "</div>" for q, a in note.questions]
            cues += [f"<div class=demo>▶ <code>{e(t['source'])}</code> — {t['seconds']:.1f} s "
                     "last build</div>" for t in part.timings if t["slide"] == note.key]
            rows.append(f"<tr><td>{clock(at / 60)}</td><td><code>{e(note.key)}</code></td>"
                        f"<td>{''.join(cues)}</td><td>{_fmt(note.seconds)}</td>"
                        f"<td>{e(_vs(note.seconds, part.rehearsed.get(note.key)))}</td></tr>")
            at += note.seconds
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Run sheet — {e(title)}</title>
<style>
body {{ font: 13px/1.35 "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }}
h1 {{ font-size: 18px; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }}
tr.section th {{ background: #eef2f8; border-top: 2px solid #1f3a5f; page-break-after: avoid; }}
td:first-child, th:first-child {{ width: 4.5em; font-variant-numeric: tabular-nums; }}
td:nth-child(4), th:nth-child(4) {{ width: 5em; text-align: right; }}
td:last-child, th:last-child {{ width: 11em; text-align: right; color: #5a3b00; }}
.q {{ color: #1f3a5f; }} .a {{ color: #555; }} .demo {{ color: #8a4b00; }} .muted {{ color: #888; }}
tr {{ page-break-inside: avoid; }}
</style></head><body>
<h1>Run sheet — {e(title)}</h1>
<table><thead><tr><th>clock</th><th>slide</th><th>ask / demo</th><th>budget</th>
<th>last rehearsal</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table></body></html>
"""
