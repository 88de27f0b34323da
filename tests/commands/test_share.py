"""The student package holds no speaker notes and no solutions; the solution runs in CI."""

import re
import shutil

import nbformat
import pytest

from conftest import REPO
from deckkit.commands.build import build_project
from deckkit.commands.check import check_project
from deckkit.commands.share import build_share
from deckkit.execution.kernel import execute_notebook
from deckkit.model.project import Project
from helper import NOTES, PAYLOADS, code, good_decks, md, write_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def share(tmp_path_factory):
    root = tmp_path_factory.mktemp("share")
    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(code("print('SECRET-SOLUTION')", tags=["solution"]))
    write_project(root, decks)
    shutil.copytree(REPO / "exercises", root / "exercises")
    result = build_share(Project(root), pdf=False)
    assert result.ok, result.findings
    return root / "build" / "share"


def test_student_decks_carry_no_notes_and_no_solutions(share):
    pages = sorted((share / "html").glob("*.slides.html"))
    assert [p.name for p in pages] == ["A_hero.slides.html", "B_agenda.slides.html",
                                       "session.slides.html"]
    for page in pages:
        text = page.read_text()
        assert 'class="notes"' not in text and "SECRET-NOTE-A" not in text, page.name
        assert "SECRET-SOLUTION" not in text, page.name
        assert "data-timing" not in text
    assert (share / "html" / "assets" / "reveal" / "reveal.js").exists()


def test_student_exercise_has_the_starter_but_not_the_solution(share):
    nb = nbformat.read(str(share / "exercises" / "translate_classifier.ipynb"), as_version=4)
    sources = "\n".join(c.source for c in nb.cells)
    assert "self.embed = ___" in sources
    assert "nn.Embedding(10_000, 64)" not in sources
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert all("skip-execution" not in c.metadata.get("tags", []) for c in nb.cells)


def test_the_exercise_solution_version_runs_and_passes_its_check(tmp_path):
    path = REPO / "exercises" / "translate_classifier.ipynb"
    result = execute_notebook(nbformat.read(str(path), as_version=4), "exercises/" + path.name,
                              path.parent, timeout=60)
    assert result.ok, result.findings
    assert "well done: (8, 2) 642146 parameters" in str(result.nb.cells[-2].outputs)


def solution_deck_with_untagged_code():
    """K's repro: the heading of the solution slide is tagged, its code cell is not."""
    decks = good_decks()
    decks["B_agenda.ipynb"].cells += [
        md("## One solution", "slide", tags=["solution"], key="solution"),
        code("model = nn.Linear(64, 32)  # SECRET-UNTAGGED"),
        md("## After", "slide", key="after"),
    ]
    return decks


SOLUTION_NOTES = dict(NOTES, **{"B_agenda.md": "# B\n\n## plan · 60 s\nx\n## more · 30 s\ny\n"
                                "## solution · 15 s\nz\n## after · 15 s\nw\n"})


def test_a_solution_slide_is_left_out_whole_even_when_a_cell_lacks_the_tag(tmp_path):
    from deckkit.steps.students import drop_tagged

    nb = solution_deck_with_untagged_code()["B_agenda.ipynb"]
    kept = "\n".join(c.source for c in drop_tagged(nb).cells)
    assert "SECRET-UNTAGGED" not in kept and "## One solution" not in kept
    assert "## More" in kept and "## After" in kept


def test_check_reports_the_ambiguous_solution_slide(tmp_path):
    root = write_project(tmp_path, solution_deck_with_untagged_code(), notes=SOLUTION_NOTES)
    findings = check_project(Project(root))
    assert [(f.code, f.cell) for f in findings] == [("ambiguous-solution", 3)]
    assert "cell(s) 4" in findings[0].message


def test_a_failed_share_keeps_the_previous_package_and_a_good_one_says_what_it_verified(
        tmp_path):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(code("print('SECRET-SOLUTION-LINE')", tags=["solution"]))
    root = write_project(tmp_path, decks)
    good = build_share(Project(root), pdf=False)
    assert good.ok, good.findings
    assert good.verified and "none found" in good.verified[0]
    page = root / "build/share/html/B_agenda.slides.html"
    before = page.read_bytes()
    (root / "decks" / "A_hero.ipynb").write_text("{ broken", encoding="utf-8")
    failed = build_share(Project(root), pdf=False)
    assert not failed.ok
    assert page.read_bytes() == before and (root / "build/share/README.txt").exists()
    assert not (root / "build/.share-staging").exists()


def test_the_share_step_finds_a_leak_and_refuses_to_publish(tmp_path, monkeypatch):
    from deckkit.commands import share as share_module

    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(code("print('SECRET-SOLUTION-LINE')", tags=["solution"]))
    root = write_project(tmp_path, decks)
    monkeypatch.setattr(share_module, "drop_tagged", lambda nb, *a: nb)  # a broken filter
    monkeypatch.setattr("deckkit.pipeline.pages.FINISH", {"student": ()})  # solutions kept
    result = build_share(Project(root), pdf=False)
    assert "share-leak" in [f.code for f in result.findings]
    assert not (root / "build/share").exists()


def payload_decks():
    """B carries the eight markdown payloads, and a code cell whose outputs are JavaScript,
    markdown with a script and HTML with an SVG script (issue 30's repro)."""
    decks = good_decks()
    decks["B_agenda.ipynb"].cells += [md(f"{p} payload {n}") for n, p in enumerate(PAYLOADS, 1)]
    decks["B_agenda.ipynb"].cells.append(code(
        "from IPython.display import HTML, Javascript, Markdown, display\n"
        "display(Javascript('evil(9)'))\n"
        "display(Markdown('<script>evil(10)</script> markdown output'))\n"
        "display(HTML('<svg><script>evil(11)</script></svg><b>html output</b>'))"))
    return decks


def test_script_in_a_slide_runs_for_the_presenter_but_not_for_students(tmp_path, browser):
    from deckkit.output.script_audit import foreign_scripts

    root = write_project(tmp_path, payload_decks())
    warnings = [f for f in check_project(Project(root)) if f.code == "active-content"]
    assert [(w.severity, w.cell) for w in warnings] == [("warning", 3 + n) for n in range(8)]
    result = build_share(Project(root), pdf=False)
    assert result.ok, result.findings
    assert any("only reveal.js's, MathJax's and deckkit's own scripts run" in line
               for line in result.verified)
    student = root / "build/share/html/B_agenda.slides.html"
    text = student.read_text()
    assert all(f"payload {n}" in text for n in range(1, 9))
    assert "markdown output" in text and "<b>html output</b>" in text
    for page in (student, root / "build/share/html/session.slides.html"):
        context = browser.new_context()
        context.add_init_script("window.evil = n => (window.ran = window.ran || []).push(n)")
        tab = context.new_page()
        tab.goto(page.as_uri())
        tab.wait_for_selector("body[data-deckkit-ready]")
        for index in range(tab.evaluate("Reveal.getTotalSlides()")):
            tab.evaluate("i => { const s = Reveal.getSlides()[i], x = Reveal.getIndices(s);"
                         " Reveal.slide(x.h, x.v); }", index)
        tab.wait_for_timeout(300)
        assert tab.evaluate("window.ran || []") == [], page.name
        context.close()
    # the runnable notebook students open in Jupyter: no script output, markdown cleaned
    notebook = nbformat.read(str(root / "build/share/notebooks/B_agenda.ipynb"), as_version=4)
    kept = [c.source for c in notebook.cells if c.cell_type == "markdown"]
    assert not any(re.search(r"<script|onerror|ontoggle|srcdoc|javascript:", k) for k in kept)
    mimes = {m for c in notebook.cells for o in c.get("outputs", []) for m in o.get("data", {})}
    assert not [m for m in mimes if "javascript" in m]
    # the same audit finds what runs in the presenter's page, which keeps the author's HTML
    build_project(Project(root))
    found = " ".join(foreign_scripts(root / "build/html/B_agenda.slides.html"))
    for what in ("evil(2)", "evil(3)", "about:srcdoc", "javascript:evil(5)", "evil(10)"):
        assert what in found, what


def test_share_refuses_a_page_where_script_would_run(tmp_path, monkeypatch):
    from deckkit.output import export

    exporting = export.slides_html
    monkeypatch.setattr(export, "slides_html", lambda *a, sanitise=False, **k: exporting(*a, **k))
    monkeypatch.setattr("deckkit.steps.students.safe_output", lambda out: out)  # no sanitiser
    root = write_project(tmp_path, payload_decks())
    result = build_share(Project(root), pdf=False)
    assert not result.ok
    scripts = [f for f in result.findings if f.code == "share-script"]
    assert scripts and all(f.deck.startswith("build/share/html/") for f in scripts)
    assert any("evil(10)" in f.message for f in scripts)  # the markdown output's script
    assert not (root / "build/share").exists()


def test_the_zip_holds_the_package_and_opens_offline_after_unzipping(share, tmp_path,
                                                                      chromium_path):
    import zipfile

    from deckkit.commands.share import slug
    from deckkit.output import browser

    assert slug("Neural Networks: NumPy → PyTorch") == "neural-networks-numpy-pytorch"
    archive = share / "test-talk.zip"
    with zipfile.ZipFile(archive) as z:
        names = sorted(z.namelist())
        z.extractall(tmp_path)
    package = sorted(f"test-talk/{p.relative_to(share).as_posix()}" for p in share.rglob("*")
                     if p.is_file() and p.suffix != ".zip")
    assert names == package and "test-talk/README.txt" in names
    assert "open html/session.slides.html" in (tmp_path / "test-talk/README.txt").read_text()
    with browser.open_deck(tmp_path / "test-talk/html/session.slides.html") as s:
        assert s.page.evaluate("Reveal.getTotalSlides()") >= 3
        assert s.blocked == []   # nothing left the unzipped folder


def test_a_deleted_exercise_or_a_renamed_talk_leaves_nothing_behind_in_the_package(tmp_path):
    import zipfile

    root = write_project(tmp_path, good_decks())
    shutil.copytree(REPO / "exercises", root / "exercises")
    extra = root / "exercises" / "old_exercise.ipynb"
    shutil.copy(root / "exercises" / "translate_classifier.ipynb", extra)
    assert build_share(Project(root), pdf=False).ok
    share = root / "build" / "share"
    assert (share / "exercises" / "old_exercise.ipynb").exists()
    extra.unlink()
    session = root / "decks" / "session.toml"
    session.write_text(session.read_text().replace('title = "Test Talk"', 'title = "New Name"'))
    renamed = good_decks()["A_hero.ipynb"]
    renamed.cells[0].source = renamed.cells[0].source.replace("# Test Talk", "# New Name")
    nbformat.write(renamed, str(root / "decks" / "A_hero.ipynb"))
    assert build_share(Project(root), pdf=False).ok
    assert not (share / "exercises" / "old_exercise.ipynb").exists()
    assert sorted(p.name for p in share.glob("*.zip")) == ["new-name.zip"]
    with zipfile.ZipFile(share / "new-name.zip") as archive:
        names = archive.namelist()
    assert "new-name/exercises/translate_classifier.ipynb" in names
    assert not [n for n in names if "old_exercise" in n]


def test_an_exercise_answer_on_a_slide_of_its_own_without_its_tag_is_named_and_not_shared(
        tmp_path, monkeypatch):
    """The exercise's solution code moved out of its tag onto a slide with its own key and
    notes: check names the cell, share refuses to publish."""
    decks = good_decks()
    decks["B_agenda.ipynb"].cells += [
        md("## Try it", "slide", key="try-it"),
        code("class Classifier(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
             "        self.embed = nn.Embedding(10_000, 64)   # the answer, untagged\n",
             tags=["skip-execution"]),
        code("self.embed = nn.Embedding(vocab_size, dim)   # other code filling the same blank",
             tags=["skip-execution"]),
    ]
    notes = dict(NOTES, **{"B_agenda.md": NOTES["B_agenda.md"].replace("## more · 30 s", "## more · 15 s")
                           + "\n## try-it · 15 s\nrun it\n"})
    root = write_project(tmp_path, decks, notes=notes)
    shutil.copytree(REPO / "exercises", root / "exercises")
    findings = check_project(Project(root))
    assert [(f.code, f.cell) for f in findings] == [("untagged-solution", 4)]
    assert "exercises/translate_classifier.ipynb" in findings[0].message
    assert "untagged-solution" in [f.code for f in build_share(Project(root), pdf=False).findings]
    # and where the check were bypassed, the package's own search still finds the answer
    monkeypatch.setattr("deckkit.pipeline.static.untagged_answers", lambda *a: [])
    result = build_share(Project(root), pdf=False)
    leaks = [f for f in result.findings if f.code == "share-leak"]
    assert leaks and "self.embed = nn.Embedding(10000, 64)" in leaks[0].message
    assert not (root / "build/share").exists()


def test_each_slide_shows_its_takeaway_to_students_and_not_to_the_room(tmp_path):
    from html.parser import HTMLParser

    notes = dict(NOTES, **{"B_agenda.md": "# B · Agenda\n\n## plan · 90 s\n- a point\n"
                           "Takeaway: call `zero_grad()` before <backward>\n\n"
                           "## more · 30 s\n- done\nTakeaway: the last point\n"})
    root = write_project(tmp_path, good_decks(), notes=notes)
    result = build_share(Project(root), pdf=False)
    assert result.ok, result.findings   # a takeaway is the students' own: not a leak

    class Slides(HTMLParser):   # under which slide heading each takeaway sits
        def __init__(self):
            super().__init__()
            self.heading, self.found, self.inside, self.text = "", [], None, ""

        def handle_starttag(self, tag, attrs):
            if tag in ("h1", "h2"):
                self.inside, self.text = "heading", ""
            if tag == "p" and dict(attrs).get("class") == "deckkit-takeaway":
                self.inside, self.text = "takeaway", ""

        def handle_endtag(self, tag):
            if tag in ("h1", "h2") and self.inside == "heading":
                self.heading, self.inside = self.text.strip(), None
            if tag == "p" and self.inside == "takeaway":
                self.found.append((self.heading, " ".join(self.text.split())))
                self.inside = None

        def handle_data(self, data):
            if self.inside:
                self.text += data

    page = (root / "build/share/html/B_agenda.slides.html").read_text()
    reader = Slides()
    reader.feed(page)
    assert reader.found == [("Agenda", "Takeaway: call zero_grad() before <backward>"),
                            ("More", "Takeaway: the last point")]
    assert "<code>zero_grad()</code> before &lt;backward&gt;" in page
    build_project(Project(root))
    presenter = (root / "build/html/B_agenda.slides.html").read_text()
    assert 'class="deckkit-takeaway"' not in presenter
