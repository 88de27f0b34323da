"""PDF export: one page per slide, fragments merged, no blank page, notes only in the handout."""

import shutil
import subprocess

import pytest

from conftest import copy_of_tiny
from deckkit.cli import main
from deckkit.model.project import Project
from deckkit.output.pdf import export_pdfs
from helper import good_decks, write_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, chromium_path, tiny_build):
    if not (shutil.which("pdfinfo") and shutil.which("pdftoppm")):
        pytest.skip("poppler-utils (pdfinfo, pdftoppm) not installed")
    root = copy_of_tiny(tiny_build, tmp_path_factory.mktemp("pdf") / "tiny")
    return root, export_pdfs(Project(root).layout)


def pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def blank_pages(path, tmp_path) -> list[int]:
    from PIL import Image, ImageStat

    prefix = tmp_path / path.stem
    subprocess.run(["pdftoppm", "-r", "12", "-png", str(path), str(prefix)], check=True)
    shots = sorted(tmp_path.glob(f"{path.stem}-*.png"))
    return [i + 1 for i, f in enumerate(shots)
            if ImageStat.Stat(Image.open(f).convert("L")).stddev[0] < 1.0]


def test_one_pdf_per_deck_plus_session_and_handout(pdfs):
    root, written = pdfs
    assert sorted(p.name for p in written) == ["A_hero.pdf", "B_agenda.pdf", "run-sheet.pdf",
                                               "session-handout.pdf", "session.pdf"]
    assert pages(root / "build/notes/run-sheet.pdf") >= 1


def test_one_page_per_slide_with_fragments_merged_and_no_blank_page(pdfs, tmp_path):
    root, _ = pdfs
    # A: 2 slides; B: 2 slides, one of them with a fragment (merged, not a page of its own)
    assert pages(root / "build/pdf/A_hero.pdf") == 2
    assert pages(root / "build/pdf/B_agenda.pdf") == 2
    assert pages(root / "build/pdf/session.pdf") == 4
    for name in ("session.pdf", "session-handout.pdf"):
        assert blank_pages(root / "build/pdf" / name, tmp_path) == []


def test_notes_appear_in_the_handout_only(pdfs):
    root, _ = pdfs

    def text(name):
        return subprocess.run(["pdftotext", str(root / "build/pdf" / name), "-"],
                              capture_output=True, text=True).stdout

    assert "SECRET-NOTE-A" not in text("session.pdf")
    assert "SECRET-NOTE-A" in text("session-handout.pdf")
    assert pages(root / "build/pdf/session-handout.pdf") == 8  # each slide, then its notes


def test_without_chromium_pdf_is_skipped_with_a_fix_and_html_still_built(tmp_path, capsys,
                                                                         monkeypatch):
    import deckkit.output.browser

    write_project(tmp_path, good_decks())
    monkeypatch.setattr(deckkit.output.browser.shutil, "which", lambda name: None)
    assert main(["--root", str(tmp_path), "build", "--pdf"]) == 1
    err = capsys.readouterr().err
    assert "the HTML decks are built; PDF skipped" in err and "apt-get install -y chromium" in err
    page = (tmp_path / "build/html/session.slides.html").read_text()
    assert "Test Talk" in page and page.count("<section") >= 3   # the slides, not a stub


def test_a_pdf_keeps_web_links_and_no_link_to_a_file_of_the_builders_machine(chromium_path,
                                                                          tmp_path):
    from deckkit.commands.build import build_project
    from deckkit.output.pdf import print_pdf
    from helper import md

    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(md("[the scrolling view](B_agenda.slides.html?view=scroll)"
                                            " and [the course](https://example.org/course/)"))
    root = write_project(tmp_path, decks)
    assert build_project(Project(root)).ok
    out = print_pdf(Project(root).layout.page("B_agenda"), tmp_path / "b.pdf")
    raw = out.read_bytes()
    assert b"/URI (https://example.org/course/)" in raw
    assert b"file:" not in raw and str(tmp_path).encode() not in raw
