"""`deckkit build` as a library call: the pipeline's stages (deckkit/pipeline/) composed, one
deck's way through them visited once per stage.

    resolve ─ check + PREPARE ─ execute (cache or kernel) ─ after-run checks ─ FINISH ─ page
                    └── BESIDE_EXECUTION (diagrams) ──┘                            └── session page
                                                                                   └── run sheet

Sources are only read; outputs go where the BuildLayout says, each written atomically."""

from __future__ import annotations

from ..errors import is_ok
from ..model.project import Project
from ..output import export
from ..pipeline import BuildOptions, BuildResult
from ..pipeline.beside import Beside
from ..pipeline.execute import execute
from ..pipeline.pages import export_pages
from ..pipeline.static import prepare


def build_project(project: Project, options: BuildOptions | None = None,
                  progress=lambda msg: None) -> BuildResult:
    """Build every deck of ``project`` as ``options`` say; findings are in the result (a
    build with errors exports nothing after the stage that found them)."""
    options = options or BuildOptions()
    export.theme_styles(options.theme)  # an unknown theme fails before anything runs
    result = BuildResult()
    prepared = prepare(project, result.visit, progress, beside=False)
    result.findings, result.resolved = prepared.findings, prepared.resolved
    if not result.ok:
        return result  # never execute or export a deck that does not pass the static checks
    # mermaid.js draws the diagrams beside the decks' code (both are seconds of CPU on a cold
    # build); the timing decks wait for it, and no page is exported before it is done
    beside = Beside(project, prepared, result.visit, progress)
    try:
        keys = execute(project, prepared, options, beside, result, progress)
        drawn = beside.join()
        if is_ok(drawn):  # a broken diagram stops the build before any page is written
            export_pages(project, prepared, keys, options, result, progress)
        result.findings += drawn
    finally:
        beside.stop()  # an interrupted or failed build leaves no thread drawing
    return result


__all__ = ["BuildOptions", "BuildResult", "build_project"]
