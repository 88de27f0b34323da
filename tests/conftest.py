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
    from deckkit.browser import find_chromium
    from deckkit.errors import DeckError

    try:
        path = find_chromium()
    except DeckError:
        pytest.skip("Chromium is not installed (apt-get install -y chromium); browser tests skipped")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    out = REPO / "build" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="session")
def repo_build(tmp_path_factory):
    """The repository's own decks and notes, built (every code cell run) in a scratch copy."""
    from deckkit.build import build_project
    from deckkit.project import Project

    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(REPO / "decks", root / "decks")
    shutil.copytree(REPO / "speaker_notes", root / "speaker_notes")
    result = build_project(Project(root), timeout=180)
    assert result.ok, [str(f) for f in result.findings]
    return root, result
