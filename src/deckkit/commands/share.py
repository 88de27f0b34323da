"""The student package, build/share/: the offline HTML decks and the session PDF without
speaker notes or solutions, the exercise notebooks with their solutions removed, and every
section's notebook in a form students can run on their own laptop (commands/student_kit.py).

The package is built aside (build/.share-staging), verified — no line of a withheld slide or
cell and no speaker note in any page or exercise — and only then swapped in, so a failed share
leaves the previous good package as it was."""

from __future__ import annotations

import html
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..errors import Finding
from ..model.committed import strip_outputs
from ..model.deck import read_deck
from ..model.layout import BuildLayout, atomic_path, write_atomic
from ..model.names import slugify
from ..model.notes import without_takeaways
from ..model.project import Project, Resolved
from ..model.solutions import answers, withheld_cells
from ..output.script_audit import audit_pages
from ..pipeline import BuildOptions
from ..steps.students import drop_tagged
from .build import BuildResult, build_project
from .student_kit import add_student_kit, readme_section, verify_run

DISTINCT = 12  # characters: shorter lines ("import torch") also appear where they are allowed


@dataclass
class ShareResult(BuildResult):
    verified: list[str] = field(default_factory=list)   # what the share step checked, in words


def build_share(project: Project, pdf: bool = True, progress=lambda msg: None,
                run_notebooks: bool = False) -> ShareResult:
    """``run_notebooks``: before the package is swapped in, unpack its zip alone, install it as
    the student README says in a fresh virtual environment and run every notebook (minutes)."""
    final = project.layout
    staging = final.share_staging()
    shutil.rmtree(staging.share_dir, ignore_errors=True)
    if final.share_dir.is_dir():  # start from the old package: unchanged pages are not rewritten
        shutil.copytree(final.share_dir, staging.share_dir, symlinks=True)
    try:
        result = _build(project, staging, pdf, progress, run_notebooks)
        if result.ok:
            _swap(staging.share_dir, final.share_dir)
            result.outputs = [final.share_dir / p.relative_to(staging.share_dir)
                              for p in result.outputs]
    finally:
        shutil.rmtree(staging.share_dir, ignore_errors=True)
    return result


def _build(project: Project, layout: BuildLayout, pdf: bool, progress,
           run_notebooks: bool = False) -> ShareResult:
    built = build_project(project, BuildOptions(audience="student", layout=layout),
                          progress=progress)
    result = ShareResult(**vars(built))
    if not result.ok:
        return result
    for path in sorted(project.exercises_dir.glob("*.ipynb")):
        nb = strip_outputs(drop_tagged(_read_exercise(path)))
        for cell in nb.cells:  # the starter is for students to run once they fill it in
            tags = [t for t in cell.metadata.get("tags", []) if t != "skip-execution"]
            cell.metadata["tags"] = tags
        result.outputs.append(write_atomic(layout.share_exercise(path.name), nbformat.writes(nb)))
    if pdf:
        from ..output.pdf import print_pdf

        progress("share: printing the student PDF")
        result.outputs.append(print_pdf(layout.page("session", "student"), layout.share_pdf))
    progress("share: the runnable notebooks, their demos and requirements.txt")
    kit = add_student_kit(project, layout, built.resolved)
    result.findings += kit.findings
    result.outputs += kit.outputs
    result.outputs.append(write_atomic(layout.share_readme,
                                       readme(built.resolved.session.title)
                                       + readme_section(kit, built.resolved)))
    prune(layout, result.outputs)
    found, result.verified = verify_package(project, layout, built.resolved)
    result.findings += found
    if result.ok:
        progress("share: opening every student page in Chromium to see what script runs")
        found, line = audit_scripts(layout)
        result.findings += found
        result.verified.append(line)
    if result.ok:  # only a verified package is zipped
        name = slug(built.resolved.session.title)
        package = write_zip(layout.share_dir, layout.share_zip(name), name)
        result.outputs.append(package)
        result.verified.append(f"{name}.zip holds the same {_count_files(layout)} files "
                               f"({package.stat().st_size / 1e6:.1f} MB)")
        if run_notebooks:
            secrets = secret_lines(project, built.resolved)
            report = verify_run(package, progress, scan=lambda top: search(
                sorted((top / "notebooks").glob("*.ipynb")), secrets,
                lambda path: f"{name}.zip: {path.relative_to(top).as_posix()}"))
            result.findings += report.findings
            result.verified += report.verified
    return result


def prune(layout: BuildLayout, outputs: list[Path]) -> None:
    """Remove from the package every file this share did not write (the assets aside): it
    starts from the previous package so unchanged pages are not rewritten, and a deck withdrawn
    or an exercise deleted since must not stay in it."""
    kept = {Path(p).resolve() for p in outputs}
    assets = layout.assets("student").resolve()
    for path in sorted(layout.share_dir.rglob("*"), reverse=True):
        resolved = path.resolve()
        if path.is_file() and resolved not in kept and assets not in resolved.parents:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def slug(title: str) -> str:
    """The package's file name from the talk's title ("slides" when it has no ASCII word)."""
    return slugify(title) or "slides"


def _package_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".zip")


def _count_files(layout: BuildLayout) -> int:
    return len(_package_files(layout.share_dir))


def write_zip(folder: Path, target: Path, top: str) -> Path:
    """Every file of the package under one top folder, in a fixed order with fixed times (the
    same package gives the same zip), written atomically."""
    import zipfile

    files = _package_files(folder)  # listed before the zip's own temporary file exists
    with atomic_path(target) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                info = zipfile.ZipInfo(f"{top}/{path.relative_to(folder).as_posix()}",
                                       date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
    return target


def _read_exercise(path: Path):
    """The exercise notebook, with the same errors a deck gets (file, problem, fix)."""
    return read_deck(path).nb


def _swap(new: Path, final: Path) -> None:
    old = final.with_name(f".share-old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


MARKUP = re.compile(r"[*`_|]+")


def _plain(text: str) -> str:
    """Text as compared: markdown emphasis and code marks dropped, whitespace collapsed (a
    note may repeat a slide's sentence that the slide wraps or sets in bold)."""
    return " ".join(MARKUP.sub("", text).split())


def _distinct_lines(sources) -> set[str]:
    return {_plain(line) for s in sources for line in s.splitlines()
            if len(_plain(line)) >= DISTINCT}


def _page_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return _plain(html.unescape(re.sub(r"<[^>]+>", "", text)))


def secret_lines(project: Project, resolved: Resolved) -> dict[str, set[str]]:
    """Every distinctive line of a withheld slide or cell and of the speaker notes, by kind;
    lines that also stand (whole or as part of a line) in what students may see are not
    evidence of anything and are left out."""
    withheld, allowed, notes, given = [], [], [], set()
    for record in resolved.records:
        gone = withheld_cells(record.nb)
        for i, cell in enumerate(record.nb.cells):
            (withheld if i in gone else allowed).append(cell.source)
        if record.notes:
            notes += [without_takeaways(n.body) for n in record.notes.slides]  # theirs
    for path in sorted(project.exercises_dir.glob("*.ipynb")):
        nb = _read_exercise(path)
        gone = withheld_cells(nb)
        for i, cell in enumerate(nb.cells):
            (withheld if i in gone else allowed).append(cell.source)
        given |= {_plain(line) for line in answers(nb)}
    visible = _plain("\n".join(allowed))  # a line found in what students may see proves nothing
    secrets = {kind: {line for line in _distinct_lines(sources) if line not in visible}
               for kind, sources in (("solution", withheld), ("speaker notes", notes))}
    # ...except an exercise's answer to one of its blanks: that is the solution wherever it
    # stands, a deck cell that lost its tag included (`deckkit check` names that cell)
    secrets["solution"] |= given
    return secrets


def search(files: list[Path], secrets: dict[str, set[str]], shown) -> list[Finding]:
    """Findings for every file (student page or notebook) that holds a speaker-notes block or
    a secret line; ``shown(path)`` names the file in a finding."""
    findings = []
    for path in files:
        text = _page_text(path) if path.suffix == ".html" else _notebook_text(path)
        raw = path.read_text(encoding="utf-8")
        if 'class="notes"' in raw:
            findings.append(Finding(shown(path), "share-leak",
                                    "holds a speaker-notes block; the student package must not"))
        for kind, lines in secrets.items():
            leaked = sorted(line for line in lines if line in text)
            if leaked:
                findings.append(Finding(shown(path), "share-leak",
                                        f"holds {len(leaked)} line(s) of {kind}, e.g. "
                                        f'"{leaked[0][:60]}"; the package was not published'))
    return findings


def _notebook_text(path: Path) -> str:
    """A notebook's cells and text outputs as compared (a solution's printout is a leak too)."""
    nb = nbformat.read(str(path), as_version=4)
    parts = [c.source for c in nb.cells]
    for cell in nb.cells:
        for out in cell.get("outputs", []) or []:
            parts.append(out.get("text", "") if isinstance(out.get("text", ""), str) else "")
            parts.append(str(out.get("data", {}).get("text/plain", "")))
    return _plain("\n".join(parts))


def verify_package(project: Project, layout: BuildLayout,
                   resolved: Resolved | None = None) -> tuple[list[Finding], list[str]]:
    """Look for what must not be there: every distinctive line of a withheld slide or cell, and
    of the speaker notes, searched in every student page, exercise and runnable notebook."""
    secrets = secret_lines(project, resolved or project.resolve())
    files = sorted(layout.html_dir("student").glob("*.slides.html"))
    files += sorted((layout.share_dir / "exercises").glob("*.ipynb"))
    files += sorted(layout.share_notebooks.glob("*.ipynb"))
    findings = search(files, secrets, lambda path: _shown(path, layout))
    verified = [f"{len(files)} page(s) and notebook(s) searched for "
                f"{len(secrets['solution'])} solution line(s) and {len(secrets['speaker notes'])} "
                "speaker-note line(s): none found" if not findings else "leaks found"]
    return findings, verified


def audit_scripts(layout: BuildLayout) -> tuple[list[Finding], str]:
    """Every student page in Chromium (output/script_audit.py): the session page stepped
    through slide by slide, each deck's page as it loads.  Only reveal.js's, MathJax's and
    deckkit's own scripts may run."""
    pages = sorted(layout.html_dir("student").glob("*.slides.html"))
    session = layout.page("session", "student")
    found = audit_pages(pages, {session}, lambda path: _shown(path, layout))
    findings = [Finding(what.split(": ", 1)[0], "share-script", "script that is not the deck's "
                        f"own would run for students ({what.split(': ', 1)[1]}); the package "
                        "was not published: `deckkit check` names the cell, and the student "
                        "build should have removed it (please report it)") for what in found]
    return findings, (f"{len(pages)} page(s) opened in Chromium: only reveal.js's, MathJax's "
                      "and deckkit's own scripts run" if not found else "foreign script found")


def _shown(path: Path, layout: BuildLayout) -> str:
    return f"build/share/{path.relative_to(layout.share_dir).as_posix()}"


def readme(title: str) -> str:
    """The student README's first part: what the package holds and how to read the decks."""
    return f"""{title} — the session's slides, notebooks and exercise.

Unzipped, this folder works with no internet connection: open html/session.slides.html.

html/session.slides.html   the whole session; open it in a browser, no internet needed
html/<section>.slides.html one deck per section
session.pdf                the same slides as a PDF (one page per slide)
notebooks/                 every section as a notebook you can run (see below)
exercises/                 the translation exercise: open it in Jupyter and fill in the blanks

Keys in the HTML decks: arrows or space to move, Esc for an overview, M (or the menu sign
beside the section name) for the outline of every slide, Ctrl+Shift+F to search every slide,
Alt+click to zoom. The title slide links to a scrolling view of all slides; on a phone the
decks open in it.
"""
