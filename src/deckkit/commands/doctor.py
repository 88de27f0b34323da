"""`deckkit doctor`: the presenter's preflight, run on the machine that will present.
Each check says what it found and, when it fails, how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.project import Project


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False   # shown with ⚠ and does not fail the doctor

def check_device() -> list[Check]:
    try:
        import torch
    except ImportError:
        return [Check("torch", False, "not installed",
                      "bash scripts/setup.sh (or pip install torch for your CUDA)")]
    from ..demos.device import device_info

    info = device_info()
    cuda = torch.version.cuda or "none (CPU build)"
    where = (f"{info.name}, {info.memory_gb:.0f} GB" if info.kind == "cuda" and info.memory_gb
             else info.name if info.is_gpu else f"no GPU: CPU only ({info.name}, "
             f"{info.threads} threads); the demos run and say so")
    return [Check("device", True, where),
            Check("torch", True, f"torch {torch.__version__}, CUDA {cuda}")]


def check_compile() -> Check:
    from ..demos.compiled import warmup

    result = warmup()
    if not result.compiled:
        return Check("torch.compile", False, result.reason,
                     "install a C++ compiler (Debian: apt-get install g++); era 6 then shows "
                     "eager numbers only")
    first = max(w.first_call_s for w in result.workloads)
    return Check("torch.compile", True, f"works; cache warmed in {result.cache_dir} "
                 f"(slowest first call {first:.1f} s)")


def check_build(project: Project) -> list[Check]:
    from ..execution.cache import Stamps
    from ..output.export import asset_sources

    layout = project.layout
    stamps = Stamps(layout.stamps("presenter"))
    pages = [layout.page(s.stem) for s in project.session().sections] + [layout.page("session")]
    missing = [p.name.removesuffix(".slides.html") for p in pages if not p.exists()]
    damaged = [p.name.removesuffix(".slides.html") for p in pages
               if p.exists() and not stamps.intact(p)]
    assets = [rel for rel in asset_sources() if not (layout.assets() / rel).exists()]
    if not assets and layout.assets().exists() and not stamps.intact(layout.assets()):
        assets = ["some files changed since the build"]
    problems = ([f"missing: {', '.join(missing)}"] if missing else []) + (
        [f"changed or damaged since the build: {', '.join(damaged)}"] if damaged else [])
    return [Check("decks built", not problems,
                  "all section decks and the session deck" if not problems
                  else "; ".join(problems), "deckkit build"),
            Check("offline assets", not assets,
                  "reveal.js, MathJax and the theme are in build/html/assets" if not assets
                  else f"missing or damaged: {', '.join(assets)}", "deckkit build")]


LIVE_CELL_S = 2.0      # a live cell may keep the room waiting this long
COMPILE_CELL_S = 3.0   # a cell that calls torch.compile, with a warm cache


def live_cell_limit(cell) -> float:
    """A cell may state that it is meant to run longer (an animation the room watches) with
    metadata.deckkit.runs_for in seconds; otherwise the dead-air rule applies."""
    meta = cell.get("metadata", {}).get("deckkit", {})
    stated = meta.get("runs_for") if isinstance(meta, dict) else None
    if isinstance(stated, (int, float)) and not isinstance(stated, bool) and stated > 0:
        return float(stated)
    return COMPILE_CELL_S if "torch.compile(" in cell.get("source", "") else LIVE_CELL_S


def check_demo_times(project: Project) -> list[Check]:
    """Every live cell (hidden set-up cells excluded) within the dead-air rule, measured in the
    last build on this machine, and every slide's code within its budget."""
    from ..output.runsheet import load_timings
    from ..pipeline.static import timing_warnings

    timings = load_timings(project.layout)
    if not timings:
        return [Check("demo timings", False, "no measured timings yet", "deckkit build")]
    resolved = project.resolve()
    slow = []
    for record in resolved.records:
        for t in timings.get(record.name, []):
            cells = record.nb.cells
            cell = cells[t["cell"]] if t["cell"] < len(cells) else {"source": t["source"]}
            if t["seconds"] > live_cell_limit(cell):
                slow.append(f"{record.display} cell {t['cell']} ({t['source']}) took "
                            f"{t['seconds']:.1f} s, over {live_cell_limit(cell):g} s")
    checks = []
    if slow:
        checks.append(Check("live cells", False, "; ".join(slow) + " in the last build — dead "
                            "air in front of the room",
                            "run `deckkit warmup` (fills the compile cache) and `deckkit build` "
                            "again; if a cell stays slow, make its demo smaller"))
    else:
        checks.append(Check("live cells", True, f"every live cell ran within {LIVE_CELL_S:g} s "
                            f"(a torch.compile cell within {COMPILE_CELL_S:g} s) in the last build"))
    problems = timing_warnings(resolved, timings)
    if problems:
        return checks + [Check("demo timings", False, "; ".join(p.full_message for p in problems),
                               "shorten the demo or give its slide more time in speaker_notes/")]
    name, cell = max(((d, t) for d, cells in timings.items() for t in cells),
                     key=lambda item: item[1]["seconds"], default=("none", {"source": "no code",
                                                                            "seconds": 0.0}))
    return checks + [Check("demo timings", True, f"every demo fits its slide's budget (slowest: "
                           f"{name}: {cell['source']}, {cell['seconds']:.1f} s)")]


def check_rehearsal(project: Project) -> list[Check]:
    """Sections whose last rehearsal (deckkit preview) ran over their budget."""
    from ..output.runsheet import duration, load_rehearsal, load_timings, run_sheet

    day, rehearsed = load_rehearsal(project.layout)
    if not day:
        return []  # no rehearsal yet: nothing to say
    over = []
    for part in run_sheet(project.resolve(), load_timings(project.layout), rehearsed):
        spent = part.rehearsed_seconds()
        if spent is not None and spent > part.section.minutes * 60 + 0.5:
            over.append(f"{part.section.label} {duration(spent)} of {part.section.minutes:g} "
                        "min")
    return [Check(f"rehearsal of {day}", not over,
                  "every rehearsed section within its budget" if not over
                  else "over budget: " + "; ".join(over),
                  "cut or move material, or re-budget in speaker_notes/ (deckkit notes shows "
                  "planned vs rehearsed per slide)", warning=True)]


def check_chromium() -> Check:
    from ..errors import DeckError
    from ..output.browser import find_chromium

    try:
        return Check("chromium", True, f"{find_chromium()} (PDF export, contact sheet)")
    except DeckError as exc:
        return Check("chromium", False, exc.problem, exc.fix)


def run_doctor(project: Project, compile_check: bool = True) -> list[Check]:
    checks = check_device()
    if compile_check:
        checks.append(check_compile())
    checks += check_build(project)
    checks += check_demo_times(project)
    checks += check_rehearsal(project)
    checks.append(check_chromium())
    return checks


def render(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = []
    for c in checks:
        mark = "✔" if c.ok else "⚠" if c.warning else "✘"
        lines.append(f"{mark} {c.name:<{width}}  {c.detail}")
        if not c.ok and c.fix:
            lines.append(f"  {'':<{width}}  fix: {c.fix}")
    return "\n".join(lines)
