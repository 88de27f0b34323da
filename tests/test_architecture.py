"""The package's shape, held by a test: each folder imports only what its role allows, and the
notebook side (what deck cells import) never reaches build code."""

from pathlib import Path

import deckkit
from deckkit.model.imports import package_imports as deckkit_imports

PACKAGE = Path(deckkit.__file__).parent

# area -> the deckkit modules (prefixes) it may import
ALLOWED = {
    "model": ("model", "errors"),   # the layout and its atomic writer are the model's
    "checks": ("checks", "model", "errors", "palette"),
    "steps": ("steps", "model", "errors", "palette", "jsonlines"),
    "execution": ("execution", "errors", "model.layout", "__init__", "jsonlines"),
    "output": ("output", "model", "errors", "palette"),
    # the build's stages in order (static phase, beside, execute, after-run checks, pages)
    "pipeline": ("pipeline", "model", "checks", "steps", "execution", "output", "errors",
                 "demos.transfer"),   # the devices the recorded GPU figures name
    "commands": ("commands", "pipeline", "model", "checks", "steps", "execution", "output",
                 "errors",
                 "demos", "figures", "live", "live_socket", "palette", "__init__"),
    # the notebook side: deck cells import these; they must not pull in build code
    "demos": ("demos", "errors", "palette"),
    "agenda": ("agenda", "model.session", "errors"),
    "figures": ("figures", "demos", "model.facts", "errors", "palette"),
    # the visual system every surface reads: the standard library only
    "palette": (),
    # one JSON object per line, to and from the helper processes: the standard library only
    "jsonlines": (),
    # the kernel extension RISE's kernels load: the standard library and itself only
    "live": ("live",),
    # the server side of the same net (jupyter_server's websocket to a kernel): the kernel
    # extension's reading of the recordings, nothing of the build
    "live_socket": ("live",),
}


def violations(root: Path) -> list[str]:
    wrong = []
    for path in sorted(root.rglob("*.py")):
        allowed = ALLOWED.get(path.relative_to(root).with_suffix("").parts[0])
        if allowed is None:
            continue  # cli, pytest_plugin, __init__, __main__: the outer layer
        for module in sorted(deckkit_imports(path, root)):
            if not any(module == a or module.startswith(a + ".") for a in allowed):
                wrong.append(f"{path.relative_to(root)} imports deckkit.{module}")
    return wrong


def test_each_folder_imports_only_what_its_role_allows():
    assert violations(PACKAGE) == []


def test_a_demo_reaching_into_build_code_would_be_caught(tmp_path):
    (tmp_path / "demos").mkdir()
    (tmp_path / "demos" / "probe.py").write_text(
        "from ..commands.build import build_project\nfrom . import timing\n")
    (tmp_path / "agenda.py").write_text("from .model.project import Project\n")
    assert violations(tmp_path) == ["agenda.py imports deckkit.model.project",
                                    "demos/probe.py imports deckkit.commands.build"]


def test_only_the_cli_turns_results_into_exit_codes():
    # execution/fork.py is a program of its own too (the process kernels are forked from):
    # a forked kernel exits with the status ipykernel gives it, no result of deckkit's
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if p.name not in ("cli.py", "__main__.py")
                 and p.relative_to(PACKAGE).as_posix() != "execution/fork.py"
                 and ("sys.exit(" in p.read_text() or "SystemExit" in p.read_text())]
    assert offenders == []


def test_build_paths_are_spelled_only_by_the_layout():
    spelled = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
               if p.name != "layout.py" and ('/ "build"' in p.read_text()
                                             or "build_dir /" in p.read_text())]
    assert spelled == ["model/project.py"]  # Project.layout: the one place the layout is rooted


def test_the_files_the_suite_runs_first_exist():
    """A renamed file would drop out of conftest's order silently and run last again."""
    from conftest import LONGEST_FIRST, REPO

    assert [name for name in LONGEST_FIRST if not (REPO / name).is_file()] == []
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)
