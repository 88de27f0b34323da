"""The student package, build/share/: the offline HTML decks and the session PDF without
speaker notes or solutions, and the exercise notebooks with their solution cells removed."""

from __future__ import annotations

import shutil

import nbformat

from ..model.committed import strip_outputs
from ..model.project import Project
from ..output.layout import write_atomic
from ..steps.students import drop_tagged
from .build import BuildResult, build_project


def build_share(project: Project, pdf: bool = True, progress=lambda msg: None) -> BuildResult:
    layout = project.build
    shutil.rmtree(layout.share_dir, ignore_errors=True)  # nothing from an older build lingers
    result = build_project(project, audience="student", progress=progress)
    if not result.ok:
        return result
    for path in sorted(project.exercises_dir.glob("*.ipynb")):
        nb = strip_outputs(drop_tagged(nbformat.read(str(path), as_version=4)))
        for cell in nb.cells:  # the starter is for students to run once they fill it in
            tags = [t for t in cell.metadata.get("tags", []) if t != "skip-execution"]
            cell.metadata["tags"] = tags
        result.outputs.append(write_atomic(layout.share_exercise(path.name), nbformat.writes(nb)))
    if pdf:
        from ..output.pdf import print_pdf

        progress("share: printing the student PDF")
        result.outputs.append(print_pdf(layout.page("session", "student"), layout.share_pdf))
    result.outputs.append(write_atomic(layout.share_readme, README))
    return result


README = """Neural Networks: NumPy -> PyTorch — the session's slides and exercise.

html/session.slides.html   the whole session; open it in a browser, no internet needed
html/<section>.slides.html one deck per section
session.pdf                the same slides as a PDF (one page per slide)
exercises/                 the translation exercise: open it in Jupyter and fill in the blanks

Keys in the HTML decks: arrows or space to move, Esc for an overview.
"""
