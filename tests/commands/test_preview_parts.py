"""The preview's parts on their own, with no server, browser or kernel: the rehearsal
recorder's reading of a report, and a rebuild that reads the project only through its build."""

import json

import pytest

from deckkit.commands.preview import Preview
from deckkit.commands.preview.rehearsal import BadReport, Rehearsal, parse_report, slide_keys
from deckkit.model.project import Project
from deckkit.pipeline import BuildResult
from helper import good_decks, write_project


def test_a_report_keeps_only_seconds_in_range_and_a_bad_body_is_named():
    body = json.dumps({"intro": 12.5, "answer": 3, "flag": True, "minus": -1, "day": 90_000,
                       "text": "12", "<img src=x onerror=alert(1)>": 4}).encode()
    assert parse_report(body) == {"intro": 12.5, "answer": 3.0,
                                  "<img src=x onerror=alert(1)>": 4.0}
    for bad in (b"[1, 2]", b"not json", b"[" * 100_000 + b"]" * 100_000):
        with pytest.raises(BadReport, match="a JSON object of seconds per slide key"):
            parse_report(bad)


def test_the_recorder_adds_up_the_decks_own_slide_keys_and_saves_the_day(tmp_path):
    resolved = Project(write_project(tmp_path, good_decks())).resolve()
    keys = slide_keys(resolved)
    assert keys and all(isinstance(k, str) for k in keys)
    key = sorted(keys)[0]
    rehearsal = Rehearsal(tmp_path / "rehearsal-2026-12-07.json", keys)
    rehearsal.record({key: 2.25, "<img src=x onerror=alert(1)>": 9})
    rehearsal.record({key: 1.0})
    saved = json.loads(rehearsal.path.read_text())
    assert saved == {"day": "2026-12-07", "slides": {key: 3.2}}   # rounded to 0.1 s


def test_a_rebuild_reads_the_project_once_through_its_build_and_keeps_no_kernel_on_a_bug(
        tmp_path, monkeypatch):
    from deckkit.commands.preview import warm

    project = Project(write_project(tmp_path, good_decks()))
    resolved = project.resolve()

    def build(project, options, progress):  # what build_project gives back, without running
        assert not options.session_page and options.kernels == p.kernels.offer
        return BuildResult(resolved=resolved)

    p = Preview(project, "A", 0, say=lambda m: None, build=build)
    reads, real = [], Project.resolve
    monkeypatch.setattr(Project, "resolve", lambda self: reads.append(1) or real(self))
    monkeypatch.setattr(warm, "needs_kernel", lambda nb: False)  # no kernel started here
    try:
        assert p.rebuild() and reads == []       # the build's own reading is reused
        assert p.rehearsal.keys == slide_keys(resolved)
        p._build = lambda *a, **k: 1 / 0
        assert not p.rebuild()                   # a bug: shown as a problem, and no kernel kept
        assert p.state.problems[0].startswith("internal error: ZeroDivisionError")
        assert p.kernels.warm is None and reads == []
    finally:
        p.stop()
