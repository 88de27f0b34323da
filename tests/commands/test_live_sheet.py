"""`deckkit contact-sheet --live`: RISE driven in Chromium over a built deck (in a module of its
own: deckkit's browser code starts its own Playwright, which cannot share a thread with the
module-scoped browser of test_present)."""

import pytest

from deckkit.model.project import Project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def built_root(repo_build):
    return repo_build[0]


def test_the_live_contact_sheet_runs_every_cell_and_matches_the_export(chromium_path,
                                                                        built_root, tmp_path):
    from deckkit.commands.contact_live import live_contact_sheet

    pytest.importorskip("jupyterlab_rise", reason="jupyterlab-rise is not installed")
    sheet = live_contact_sheet(Project(built_root), "F", tmp_path)
    assert [s.title for s in sheet.slides][:3] == [
        "Why Python?", "Vectorisation: measured, not claimed", "Where the time goes"]
    assert sheet.differences == []
    ran = [r for s in sheet.slides for r in s.cell_results]
    assert len(ran) == 4 and set(ran) == {"live"}
    assert sheet.illegible == []   # at 1280×720 and on a 4:3 projector alike
    assert all(shot.stat().st_size > 20_000 for s in sheet.slides for shot in s.shots)
    assert len(list(tmp_path.glob("live-*-1024x768.png"))) == len(sheet.slides) == 7


def test_the_annotated_loop_sits_beside_its_chart_in_rise_as_in_the_export(chromium_path,
                                                                          built_root, tmp_path):
    """JupyterLab's page carries no cell tags, so `side-by-side` cannot reach RISE: the live
    chart's own class lays the cell out.  At 1280×720 nothing of section E is below the room's
    standard, at 1280×720 or at 1024×768: the loop's code beside its chart, the diagrams and
    the charts that are a slide's only output."""
    from deckkit.commands.contact_live import live_contact_sheet

    pytest.importorskip("jupyterlab_rise", reason="jupyterlab-rise is not installed")
    sheet = live_contact_sheet(Project(built_root), "E", tmp_path)
    assert sheet.slides[2].title == "The loop, annotated: watch it learn y = 2x + 10"
    assert sheet.slides[2].cell_results == ["live"]
    assert sheet.illegible == []
    assert sheet.differences == []


def test_the_materials_qr_code_shows_in_rise_as_in_the_export(chromium_path, built_root,
                                                              tmp_path):
    """JupyterLab's markdown sanitiser drops inline SVG: RISE gets the QR code as a picture,
    and the live sheet finds the same pictures on every slide as the export (a broken picture
    would be a problem: the browser would show its alt text)."""
    from deckkit.commands.contact_live import live_contact_sheet

    pytest.importorskip("jupyterlab_rise", reason="jupyterlab-rise is not installed")
    sheet = live_contact_sheet(Project(built_root), "K", tmp_path)
    assert sheet.differences == [] and sheet.illegible == []
    assert sheet.slides[-1].title == "From the next module, everything is PyTorch"
