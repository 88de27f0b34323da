"""The student package, build/share/: the offline HTML decks and the session PDF without
speaker notes or solutions, and the exercise notebooks with their solution cells removed."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from . import export
from .build import STUDENT_DROPS, BuildResult, build_project
from .project import Project
from .steps.clean import drop_tagged, strip_outputs


def exercise_paths(project: Project) -> list[Path]:
    return sorted((project.root / "exercises").glob("*.ipynb"))


def build_share(project: Project, pdf: bool = True, progress=lambda msg: None) -> BuildResult:
    share = project.build_dir / "share"
    shutil.rmtree(share, ignore_errors=True)  # nothing from an older build lingers
    result = build_project(project, audience="student", progress=progress)
    if not result.ok:
        return result
    for path in exercise_paths(project):
        nb = strip_outputs(drop_tagged(nbformat.read(str(path), as_version=4), STUDENT_DROPS))
        for cell in nb.cells:  # the starter is for students to run once they fill it in
            tags = [t for t in cell.metadata.get("tags", []) if t != "skip-execution"]
            cell.metadata["tags"] = tags
        out = share / "exercises" / path.name
        export.write_text_atomic(out, nbformat.writes(nb))
        result.outputs.append(out)
    if pdf:
        from .pdf import print_pdf

        progress("share: printing the student PDF")
        result.outputs.append(print_pdf(share / "html" / "session.slides.html",
                                        share / "session.pdf"))
    readme = share / "README.txt"
    export.write_text_atomic(readme, README)
    result.outputs.append(readme)
    return result


README = """Neural Networks: NumPy -> PyTorch — the session's slides and exercise.

html/session.slides.html   the whole session; open it in a browser, no internet needed
html/<section>.slides.html one deck per section
session.pdf                the same slides as a PDF (one page per slide)
exercises/                 the translation exercise: open it in Jupyter and fill in the blanks

Keys in the HTML decks: arrows or space to move, Esc for an overview.
"""
