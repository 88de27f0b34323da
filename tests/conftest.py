import contextlib
import os
import pickle
import shutil
import sys
from pathlib import Path

import pytest

from deckkit.model.project import Project

sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parents[1]

# The order the test files are handed to pytest-xdist's workers (the README runs them one file
# per worker: --dist loadfile), longest first, so that no long file is left running alone at the
# end while the other workers have nothing to do.  test_repo.py comes first: it starts the one
# build of the repository's decks (repo_build) that the browser, live-room and contrast files
# wait for, and the next files do not need it, so no worker waits for that build idle.  The
# rest follow in the order pytest collects them.  Measured on this 2-core machine (a file run
# alone, wall seconds, the repository build included where it is used): browser 141, preflight
# 111, live_sheet 106, contrast 95, share 51, adopt 31, student_kit 29, fork 28, preview 27,
# kernel 25.  xdist would otherwise sort the files by their number of tests, which puts the
# one-test files that run longest (preflight) last.
LONGEST_FIRST = (
    "tests/test_repo.py",
    "tests/commands/test_share.py",
    "tests/test_cli.py",
    "tests/output/test_browser.py",
    "tests/commands/test_student_kit.py",
    "tests/commands/test_adopt.py",
    "tests/commands/test_present.py",
    "tests/commands/test_live_sheet.py",
    "tests/commands/test_preflight.py",
    "tests/output/test_contrast.py",
    "tests/execution/test_fork.py",
    "tests/commands/test_preview.py",
    "tests/execution/test_kernel.py",
    "tests/output/test_browser_checks.py",
    "tests/output/test_pdf.py",
    "tests/commands/test_bad_input.py",
    "tests/demos/test_in_notebook.py",
    "tests/commands/test_build.py",
    "tests/commands/test_doctor.py",
    "tests/steps/test_steps.py",
)


def pytest_configure(config):
    if hasattr(config.option, "loadscopereorder"):   # pytest-xdist: keep the order below
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(session, config, items):
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable


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


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One Chromium for the whole run, shared with deckkit's own browser code (open_page,
    the contact sheets, the PDF export reuse it through output.browser.shared())."""
    from deckkit.output import browser as deckkit_browser

    with deckkit_browser.shared() as b:
        yield b


@pytest.fixture(autouse=True)
def _one_browser_per_run(request):
    """Tests that drive Chromium run inside the run's one browser."""
    if request.node.get_closest_marker("browser") is not None:
        request.getfixturevalue("browser")


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    """Where browser tests leave screenshots to look at: $DECKKIT_SCREENSHOTS when set, else a
    temporary folder (tests never write into the repository)."""
    wanted = os.environ.get("DECKKIT_SCREENSHOTS")
    out = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def copy_of_repo(root: Path, diagrams: Path | None = None) -> Path:
    """The repository's decks, notes, exercises and figures in a scratch folder; ``diagrams``
    (a Mermaid cache folder, see ``repo_diagrams``) seeds build/cache/mermaid so a check does
    not draw the repository's diagrams again."""
    for name in ("decks", "speaker_notes", "exercises", "figures"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    if diagrams is not None:
        shutil.copytree(diagrams, Project(root).layout.mermaid_cache)
    return root


def shared_folder(tmp_path_factory, name: str) -> Path:
    """A folder that every pytest-xdist worker of this run sees (the run's own base temp)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name


@contextlib.contextmanager
def made_once(tmp_path_factory, name: str):
    """Yield (folder, needs_making) under a lock: the first worker to get here makes the folder
    and marks it done; every later caller, in any worker, finds it made."""
    from filelock import FileLock

    folder = shared_folder(tmp_path_factory, name)
    with FileLock(str(folder) + ".lock"):
        done = folder / ".made"
        yield folder, not done.exists()
        done.touch()


@pytest.fixture(scope="session")
def repo_diagrams(tmp_path_factory) -> Path:
    """The repository's Mermaid diagrams drawn once for the run (a cache folder to seed a copy
    of the repository with, so that a check or a build does not draw them again), by the
    build's own two renderer threads and nothing else (no deck is run for them)."""
    from deckkit.pipeline.beside import Beside
    from deckkit.pipeline.static import prepare

    with made_once(tmp_path_factory, "repo-diagrams") as (root, needed):
        if needed:
            project = Project(copy_of_repo(root))
            prepared = prepare(project, beside=False)
            assert [str(f) for f in Beside(project, prepared).join()] == []
    return Project(root).layout.mermaid_cache


@pytest.fixture(scope="session")
def repo_build(tmp_path_factory, repo_diagrams):
    """The repository's own decks and notes, built (every code cell run) once for the run, and
    copied for each worker (tests here write build/present and build/contact into it).  The
    result is the one build's: its findings, outputs and the decks it executed."""
    from deckkit.commands.build import BuildOptions, BuildResult, build_project

    with made_once(tmp_path_factory, "repo-built") as (template, needed):
        if needed:
            result = build_project(Project(copy_of_repo(template, repo_diagrams)),
                                   BuildOptions(timeout=180))
            assert result.ok, [str(f) for f in result.findings]
            (template / "result.pickle").write_bytes(pickle.dumps(
                (result.findings, [p.relative_to(template) for p in result.outputs],
                 result.executed, result.reused)))
    root = tmp_path_factory.mktemp("repo") / "repo"
    shutil.copytree(template, root, ignore=shutil.ignore_patterns("result.pickle", ".made"))
    findings, outputs, executed, reused = pickle.loads((template / "result.pickle").read_bytes())
    return root, BuildResult(outputs=[root / p for p in outputs], findings=findings,
                             executed=executed, reused=reused)


@pytest.fixture(scope="session")
def tiny_build(tmp_path_factory) -> Path:
    """helper.good_decks() written and built once for the run: copy it (``copy_of_tiny``)
    rather than build it again."""
    from deckkit.commands.build import BuildOptions, build_project
    from helper import good_decks, write_project

    with made_once(tmp_path_factory, "tiny-built") as (root, needed):
        if needed:
            write_project(root, good_decks())
            first = build_project(Project(root), BuildOptions(timeout=60))
            assert first.ok and sorted(first.executed) == ["A_hero", "B_agenda"], first.findings
    return root


def copy_of_tiny(tiny_build: Path, root: Path) -> Path:
    shutil.copytree(tiny_build, root, ignore=shutil.ignore_patterns(".made"))
    return root
