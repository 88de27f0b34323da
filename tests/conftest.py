import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-gpu"]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    from deckkit.errors import DeckError
    from deckkit.output.browser import find_chromium

    try:
        path = find_chromium()
    except DeckError:
        pytest.skip("Chromium is not installed (apt-get install -y chromium); browser tests skipped")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    """A Playwright browser for one test module (closed after it: deckkit's own browser code
    starts Playwright too, and two sync Playwright sessions cannot share a thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    """Where browser tests leave screenshots to look at: $DECKKIT_SCREENSHOTS when set, else a
    temporary folder (tests never write into the repository)."""
    wanted = os.environ.get("DECKKIT_SCREENSHOTS")
    out = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def copy_of_repo(root: Path) -> Path:
    """The repository's decks, notes, exercises and figures in a scratch folder."""
    for name in ("decks", "speaker_notes", "exercises", "figures"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    return root


@pytest.fixture(scope="session")
def repo_build(tmp_path_factory):
    """The repository's own decks and notes, built (every code cell run) in a scratch copy."""
    from deckkit.commands.build import build_project
    from deckkit.model.project import Project

    root = copy_of_repo(tmp_path_factory.mktemp("repo"))
    result = build_project(Project(root), timeout=180)
    assert result.ok, [str(f) for f in result.findings]
    return root, result
