"""The steps that run beside execution (steps.BESIDE_EXECUTION: the Mermaid diagrams).  They
read and write markdown only, which no code cell reads, and cost seconds of CPU each on a cold
cache, so the build runs them in threads while the decks' code runs; a timing deck waits for
them (Beside.wait), since nothing may run beside it."""

from __future__ import annotations

import os
import threading

from ..errors import Finding
from ..model.project import Project
from ..steps import BESIDE_EXECUTION, DeckContext, run_steps
from .static import Prepared, Trace


class Beside:
    """Every deck taken through the BESIDE_EXECUTION steps while the decks' code runs: the decks
    with diagrams dealt out to one thread per core (at most two), each thread with its own
    Mermaid renderer process.  wait() waits for them, join() also returns what they found (in
    deck order); both raise what stopped them (no mermaidx)."""

    def __init__(self, project: Project, prepared: Prepared, trace: Trace | None = None,
                 progress=None, threads: int | None = None):
        from ..steps.mermaid import diagram_sources

        records = prepared.resolved.records
        drawn = [r for r in records if diagram_sources(prepared.notebooks[r.name])]
        plain = [r for r in records if r not in drawn]  # the step is still theirs, and quick
        self._found: dict[str, list[Finding]] = {}
        self._errors: list[BaseException] = []
        self._stopped = threading.Event()
        count = max(1, min(threads or os.cpu_count() or 1, 2, len(drawn)))
        self._threads = [threading.Thread(
            target=self._draw, name=f"deckkit-beside-{n}", daemon=True,
            args=(n, drawn[n::count] + (plain if n == 0 else []), project, prepared, trace,
                  progress))
            for n in range(count)]
        for thread in self._threads:
            thread.start()
        self._order = [r.name for r in records]

    def _draw(self, number, records, project, prepared, trace, progress) -> None:
        from ..steps.mermaid import worker

        try:
            for record in records:
                if self._stopped.is_set():
                    return
                ctx = DeckContext(record, prepared.resolved.session,
                                  diagram_cache=project.layout.mermaid_cache, progress=progress,
                                  renderer=worker(number))
                _, self._found[record.name] = run_steps(
                    prepared.notebooks[record.name], ctx, BESIDE_EXECUTION, copy_first=False,
                    trace=trace)
        except BaseException as exc:  # noqa: BLE001 (raised again by join)
            self._errors.append(exc)

    def stop(self) -> None:
        """Draw no further deck's diagrams, and wait for the ones being drawn."""
        self._stopped.set()
        for thread in self._threads:
            thread.join()

    def wait(self) -> None:
        for thread in self._threads:
            thread.join()
        if self._errors:
            raise self._errors[0]

    def join(self) -> list[Finding]:
        self.wait()
        return [f for name in self._order for f in self._found.get(name, [])]
