"""A rebuild in `deckkit preview` that raises (a bug in deckkit, not a finding) is shown to the
page like a finding, and the preview keeps watching: the next save builds."""

import threading
import time

import pytest

from conftest import copy_of_tiny
from deckkit.commands.build import build_project
from deckkit.commands.preview import Preview
from deckkit.model.project import Project

pytestmark = pytest.mark.slow


def test_a_rebuild_that_raises_is_shown_and_the_next_save_builds(tiny_build, tmp_path):
    pytest.importorskip("watchfiles")
    project = Project(copy_of_tiny(tiny_build, tmp_path / "tiny"))
    calls = []

    def build(*args, **kwargs):   # the first save's rebuild meets a bug; later ones do not
        calls.append(time.monotonic())
        if len(calls) == 2:
            raise KeyError("a bug")
        return build_project(*args, **kwargs)

    said = []
    p = Preview(project, None, 0, say=said.append, build=build)
    assert p.rebuild("first build: ")
    watcher = threading.Thread(target=p.watch, daemon=True)
    watcher.start()
    try:
        time.sleep(0.5)   # the watcher is ready
        notes = project.notes_dir / "B_agenda.md"
        notes.write_text(notes.read_text() + "\nmore to say\n")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not p.state.problems:
            time.sleep(0.1)
        assert len(p.state.problems) == 1, said
        problem = p.state.problems[0]
        assert problem.startswith("internal error: KeyError: 'a bug' (test_preview_watch.py:")
        assert "the preview keeps watching" in problem
        version = p.state.version
        notes.write_text(notes.read_text() + "\nand a last point\n")
        while time.monotonic() < deadline and p.state.version == version:
            time.sleep(0.1)
        assert p.state.version == version + 1 and p.state.problems == [], said
        assert watcher.is_alive()
    finally:
        p.stop()
        watcher.join(timeout=10)
    assert not watcher.is_alive()
