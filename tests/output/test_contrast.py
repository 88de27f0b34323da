"""The high-contrast theme, held to WCAG AAA on every slide of the session."""


import pytest

from deckkit.commands.build import BuildOptions, build_project
from deckkit.model.project import Project
from deckkit.model.slides import slide_starts
from deckkit.output.contact import contact_sheet

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def repo_build(repo_build, chromium_path):
    return repo_build[0]


@pytest.fixture(scope="module")
def contrast_build(repo_build, tmp_path_factory):
    """The same executed decks (the build cache is copied along) exported with the
    high-contrast theme."""
    import shutil

    root = tmp_path_factory.mktemp("contrast") / "repo"
    shutil.copytree(repo_build, root, ignore=shutil.ignore_patterns("html", "share"))
    result = build_project(Project(root), BuildOptions(theme="high-contrast"))
    assert result.ok, [str(f) for f in result.findings]
    return root


def test_the_high_contrast_theme_meets_the_rooms_standard_at_aaa_contrast(contrast_build):
    """Every text of every slide at 7:1 against what is behind it (WCAG AAA), measured in the
    page: axe-core cannot tell the background of text on reveal.js's scaled slides (it reports
    "incomplete"), so the legibility check measures colours itself."""
    page_path = contrast_build / "build/html/session.slides.html"
    assert 'data-deckkit-theme="high-contrast"' in page_path.read_text()
    assert "white-contrast.css" in page_path.read_text()
    sheet = contact_sheet(page_path, None, pictures=False)   # measured, not pictured
    every = sum(len(slide_starts(r.nb)) for r in Project(contrast_build).resolve().records)
    assert sheet.sheet is None and sheet.measured == every
    assert [str(p) for p in sheet.illegible] == []
    assert sheet.overflowing == [] and sheet.blocked == []
