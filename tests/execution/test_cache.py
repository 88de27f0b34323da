"""The execution cache: content-keyed, exact about what it re-runs, never serves damage."""

import json

import nbformat
import pytest

from conftest import copy_of_tiny
from deckkit.commands.build import BuildOptions, build_project
from deckkit.model.project import Project
from helper import NOTES, good_decks

pytestmark = pytest.mark.slow


@pytest.fixture
def project(tiny_build, tmp_path):
    """A copy of the tiny project as its first build left it (A and B executed and cached)."""
    return Project(copy_of_tiny(tiny_build, tmp_path / "tiny"))


def edit(project, name, change):
    path = project.decks_dir / name
    nb = nbformat.read(str(path), as_version=4)
    change(nb)
    nbformat.write(nb, str(path))


def test_no_change_rebuild_executes_nothing_and_rewrites_nothing(project):
    page = project.build_dir / "html" / "session.slides.html"
    before = page.stat().st_mtime_ns
    again = build_project(project, BuildOptions(timeout=60))
    assert again.ok and again.executed == [] and sorted(again.reused) == ["A_hero", "B_agenda"]
    assert page.stat().st_mtime_ns == before


def test_a_code_edit_re_executes_exactly_that_deck(project):
    edit(project, "A_hero.ipynb", lambda nb: setattr(nb.cells[1], "source", "x = 6 * 9\nx"))
    again = build_project(project, BuildOptions(timeout=60))
    assert again.executed == ["A_hero"] and again.reused == ["B_agenda"]
    assert "54" in (project.build_dir / "html" / "A_hero.slides.html").read_text()


def test_markdown_and_notes_edits_re_export_without_executing(project):
    edit(project, "B_agenda.ipynb", lambda nb: setattr(nb.cells[1], "source", "three"))
    notes = project.notes_dir / "A_hero.md"
    notes.write_text(NOTES["A_hero.md"].replace("SECRET-NOTE-A", "A NEW NOTE"))
    again = build_project(project, BuildOptions(timeout=60))
    assert again.executed == []
    assert "three" in (project.build_dir / "html" / "B_agenda.slides.html").read_text()
    assert "A NEW NOTE" in (project.build_dir / "html" / "session.slides.html").read_text()


def test_an_input_file_change_re_executes_decks_that_read_it(project):
    toml = project.decks_dir / "session.toml"
    toml.write_text(toml.read_text().replace('title = "Hero"', 'title = "Hero"\n# edited'))
    again = build_project(project, BuildOptions(timeout=60))
    assert sorted(again.executed) == ["A_hero", "B_agenda"]


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],                                   # truncated
    lambda text: text.replace('"text/plain": "42"', '"text/plain": "41"'),  # tampered output
])
def test_a_damaged_cache_entry_is_detected_and_rebuilt_never_served(project, damage):
    entry = project.build_dir / "cache" / "exec" / "A_hero.json"
    original = entry.read_text()
    entry.write_text(damage(original))
    messages = []
    again = build_project(project, BuildOptions(timeout=60), progress=messages.append)
    assert again.executed == ["A_hero"]
    assert any("A_hero: cache entry is damaged" in m for m in messages)
    page = (project.build_dir / "html" / "A_hero.slides.html").read_text()
    assert "<pre>41" not in page and "<pre>42" in page
    assert json.loads(entry.read_text())["key"]  # rewritten whole


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """deckkit's source in a scratch folder that execution_key fingerprints instead."""
    import shutil

    from deckkit.execution import cache

    copy = tmp_path / "deckkit"
    shutil.copytree(cache.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", copy)
    cache.code_fingerprint.cache_clear()
    yield copy
    cache.code_fingerprint.cache_clear()


def test_editing_the_cli_or_an_exporter_re_executes_no_deck_but_a_demo_or_fork_edit_does(
        package_copy, tmp_path):
    from deckkit.execution import cache

    nb = good_decks()["A_hero.ipynb"]

    def key_after(edit_path):
        target = package_copy / edit_path
        target.write_text(target.read_text() + "\n# edited\n")
        cache.code_fingerprint.cache_clear()
        return cache.execution_key(nb, [])

    first = cache.execution_key(nb, [])
    assert key_after("cli.py") == first
    assert key_after("output/export.py") == first
    assert key_after("templates/deckkit/deckkit.css") == first
    forked = key_after("execution/fork.py")   # how a forked kernel starts: seeds, MPLBACKEND
    assert forked != first
    provisioned = key_after("execution/provisioner.py")   # which kernels are forked
    assert provisioned not in (first, forked)
    assert key_after("demos/timing.py") not in (first, forked, provisioned)


def test_the_environment_key_is_what_a_kernel_sees_not_what_this_process_imported(
        tmp_path, monkeypatch):
    """A package folder added to this process's sys.path (torch's C++ extension support adds
    setuptools' vendored packages) leaves every key as it was; one on PYTHONPATH, which a
    kernel would import from, changes them."""
    from deckkit.execution import cache

    extra = tmp_path / "vendored" / "extra_pkg-1.0.dist-info"
    extra.mkdir(parents=True)
    (extra / "METADATA").write_text("Metadata-Version: 2.1\nName: extra-pkg\nVersion: 1.0\n")
    cache.environment_fingerprint.cache_clear()
    try:
        before = cache.environment_fingerprint()
        monkeypatch.syspath_prepend(str(extra.parent))
        cache.environment_fingerprint.cache_clear()
        assert cache.environment_fingerprint() == before
        monkeypatch.setenv("PYTHONPATH", str(extra.parent))
        cache.environment_fingerprint.cache_clear()
        assert cache.environment_fingerprint() != before
    finally:
        monkeypatch.undo()
        cache.environment_fingerprint.cache_clear()


def test_a_folder_where_an_entry_belongs_is_rebuilt_and_a_file_for_the_cache_stops_first(
        tmp_path, capsys):
    from deckkit.cli import main
    from helper import write_project

    root = write_project(tmp_path, good_decks())
    cache = Project(root).layout.exec_cache
    (cache / "A_hero.json").mkdir(parents=True)
    assert main(["--root", str(root), "build"]) == 0
    assert (cache / "A_hero.json").is_file()
    assert "damaged" in capsys.readouterr().err
    for entry in cache.iterdir():
        entry.unlink()
    cache.rmdir()
    cache.write_text("not a folder")
    assert main(["--root", str(root), "build"]) == 2
    err = capsys.readouterr().err
    assert "is a file where the execution cache's folder belongs" in err
    assert "[1/2]" not in err   # no deck ran first
