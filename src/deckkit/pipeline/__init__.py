"""The build's stages, in the order a deck meets them.  The commands (build, check, preview,
share) compose them; each stage works on the deck's record (read once by Project.resolve) and
its one working copy of the notebook.

    static.prepare     the project read once; pure checks; the PREPARE steps
    beside.Beside      the BESIDE_EXECUTION steps (the diagrams), in threads while code runs
    execute.execute    a cache hit, or a kernel: the shared decks, then the timing decks alone
    after.checked      what a run shows: cells over their slide's budget, outputs that need the
                       network
    pages.export_pages the FINISH[audience] steps, each deck's page, the session page, the run
                       sheet

``BuildOptions`` holds how a build runs; ``BuildResult`` what it did."""

from .options import BuildOptions, BuildResult

__all__ = ["BuildOptions", "BuildResult"]
