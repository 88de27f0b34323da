"""`deckkit warmup`: compile what the decks compile, before class.

Every deck cell that calls ``torch.compile(`` is run once as plain Python in a fresh process, with
the same fixed TorchInductor cache the kernels use, so the live cell on the slide finds its code
already generated.  `deckkit warmup` compiles the demos' own workloads too (compile_demo's table,
which benchmarks and `deckkit doctor` use); the presenter's preflight warms only the cells of
the deck it presents: compiling what no slide runs would take the CPU from the room's kernel."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field

from ..model.project import Project


@dataclass
class WarmedCell:
    deck: str
    cell: int
    seconds: float
    ok: bool
    error: str = ""


@dataclass
class WarmupResult:
    compiled: bool
    reason: str
    cache_dir: str
    workloads: list = field(default_factory=list)
    cells: list[WarmedCell] = field(default_factory=list)


def warm_decks(project: Project, timeout: float = 300, *, decks: set[str] | None = None,
               workloads: bool = True) -> WarmupResult:
    """Warm the compile cells of every deck, or of the decks whose file stems are in ``decks``;
    ``workloads`` compiles the demos' own workloads first (without them, whether compiling can
    run here is asked of compile_support, and the cells show whether it works)."""
    from ..demos import compiled, device_info

    if workloads:
        demos = compiled.warmup()
        result = WarmupResult(demos.compiled, demos.reason, demos.cache_dir, demos.workloads)
    else:
        ok, reason = compiled.compile_support(device_info().kind)
        result = WarmupResult(ok, reason, str(compiled.cache_dir()))
    if not result.compiled:
        return result
    env = dict(os.environ, TORCHINDUCTOR_CACHE_DIR=result.cache_dir, MPLBACKEND="Agg")
    for record in project.resolve().records:
        if decks is not None and record.deck.path.stem not in decks:
            continue
        for index, cell in enumerate(record.nb.cells):
            if cell.cell_type != "code" or "torch.compile(" not in cell.source:
                continue
            start = time.perf_counter()
            try:
                run = subprocess.run([sys.executable, "-c", cell.source], env=env,
                                     cwd=record.deck.path.parent, capture_output=True, text=True,
                                     timeout=timeout)
                ok, error = run.returncode == 0, run.stderr.strip().splitlines()[-1:] or [""]
            except subprocess.TimeoutExpired:
                ok, error = False, [f"still running after {timeout:g} s"]
            result.cells.append(WarmedCell(record.display, index, time.perf_counter() - start,
                                           ok, "" if ok else error[0]))
    return result
