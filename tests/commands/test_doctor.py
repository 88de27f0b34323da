import pytest

torch = pytest.importorskip("torch")

from deckkit.cli import main  # noqa: E402
from deckkit.commands.build import BuildOptions, build_project  # noqa: E402
from deckkit.commands.doctor import render, run_doctor  # noqa: E402
from deckkit.model.project import Project  # noqa: E402
from helper import good_decks, write_project  # noqa: E402


def by_name(checks):
    return {c.name: c for c in checks}


def test_on_a_cpu_only_machine_the_report_says_so_without_failing(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    checks = by_name(run_doctor(Project(write_project(tmp_path, good_decks())),
                                compile_check=False))
    assert checks["device"].ok and "no GPU: CPU only" in checks["device"].detail
    assert checks["torch"].ok and torch.__version__ in checks["torch"].detail


def test_an_unbuilt_project_fails_with_the_fix(tmp_path, capsys):
    write_project(tmp_path, good_decks())
    checks = by_name(run_doctor(Project(tmp_path), compile_check=False))
    assert not checks["decks built"].ok and checks["decks built"].fix == "deckkit build"
    assert not checks["demo timings"].ok
    text = render(list(checks.values()))
    assert "✘ decks built" in text and "fix: deckkit build" in text
    assert main(["--root", str(tmp_path), "doctor", "--skip-compile"]) == 1


@pytest.mark.slow
def test_after_a_build_decks_assets_and_timings_pass(tmp_path):
    write_project(tmp_path, good_decks())
    assert build_project(Project(tmp_path), BuildOptions(timeout=60)).ok
    checks = by_name(run_doctor(Project(tmp_path), compile_check=False))
    for name in ("decks built", "offline assets", "demo timings"):
        assert checks[name].ok, checks[name]


def test_missing_chromium_is_a_failure_with_the_install_command(tmp_path, monkeypatch):
    import deckkit.output.browser

    monkeypatch.setattr(deckkit.output.browser.shutil, "which", lambda name: None)
    checks = by_name(run_doctor(Project(write_project(tmp_path, good_decks())),
                                compile_check=False))
    assert not checks["chromium"].ok and "apt-get install -y chromium" in checks["chromium"].fix


@pytest.mark.slow
def test_a_damaged_page_or_asset_is_reported_and_the_suggested_build_repairs_it(tmp_path):
    write_project(tmp_path, good_decks())
    project = Project(tmp_path)
    assert build_project(project, BuildOptions(timeout=60)).ok
    page = project.layout.page("A_hero")
    good_page = page.read_bytes()
    page.write_bytes(good_page[: len(good_page) // 3])          # truncated
    (project.layout.assets() / "reveal" / "reveal.js").unlink()   # deleted
    checks = by_name(run_doctor(project, compile_check=False))
    assert not checks["decks built"].ok and "A_hero" in checks["decks built"].detail
    assert not checks["offline assets"].ok and "reveal/reveal.js" in checks["offline assets"].detail
    again = build_project(project, BuildOptions(timeout=60))  # what the fix says to run
    assert again.ok and again.executed == []     # repaired from the cache, not re-executed
    assert page.read_bytes() == good_page
    assert (project.layout.assets() / "reveal" / "reveal.js").is_file()
    checks = by_name(run_doctor(project, compile_check=False))
    assert checks["decks built"].ok and checks["offline assets"].ok


def test_a_live_cell_that_keeps_the_room_waiting_is_a_failure_with_a_fix(tmp_path):
    import json

    write_project(tmp_path, good_decks())
    notes = tmp_path / "build" / "notes"
    notes.mkdir(parents=True)
    (notes / "timings.json").write_text(json.dumps({"A_hero": [
        {"cell": 1, "slide": "answer", "source": "x = 6 * 7", "seconds": 24.4}]}))
    checks = by_name(run_doctor(Project(tmp_path), compile_check=False))
    live = checks["live cells"]
    assert not live.ok and "decks/A_hero.ipynb cell 1 (x = 6 * 7) took 24.4 s, over 2 s" in (
        live.detail)
    assert "deckkit warmup" in live.fix
    (notes / "timings.json").write_text(json.dumps({"A_hero": [
        {"cell": 1, "slide": "answer", "source": "x = 6 * 7", "seconds": 0.4}]}))
    assert by_name(run_doctor(Project(tmp_path), compile_check=False))["live cells"].ok


def test_doctor_warns_about_a_section_whose_last_rehearsal_ran_over(tmp_path):
    import json

    from deckkit.commands.doctor import check_rehearsal
    from deckkit.output.runsheet import as_html, load_rehearsal, run_sheet

    project = Project(write_project(tmp_path, good_decks()))
    assert check_rehearsal(project) == []  # never rehearsed: nothing to say
    notes = project.layout.notes_dir
    notes.mkdir(parents=True)
    (notes / "rehearsal-2026-11-01.json").write_text(json.dumps(
        {"day": "2026-11-01", "slides": {"intro": 10, "answer": 10, "plan": 10}}))
    (notes / "rehearsal-2026-11-20.json").write_text(json.dumps(  # the last one counts
        {"day": "2026-11-20", "slides": {"intro": 150.0, "answer": 30.0, "plan": 60.0}}))
    [check] = check_rehearsal(project)
    assert check.name == "rehearsal of 2026-11-20" and not check.ok and check.warning
    assert check.detail == "over budget: A · Hero 3 min of 2 min"  # B: 60 s of 2 min is fine
    assert render([check]).startswith("⚠ rehearsal of 2026-11-20")
    page = as_html(run_sheet(project.resolve(), {}, load_rehearsal(project.layout)[1]), "T")
    assert "rehearsed 2 min 30 s (+1 min 30 s)" in page and "rehearsed 3 min (+1 min)" in page
