"""What a student needs to run the decks after class, added to the share package:

    notebooks/<deck>.ipynb   each section's notebook as a student gets it: no solution or
                             instructor cells (speaker notes never live in a deck), the set-up
                             cells kept, the build's outputs kept, tags and slide metadata kept
    notebooks/deckkit/       the part of deckkit those notebooks import, found by following
                             their imports (the notebook side; never build code), so a student
                             installs nothing of the project
    notebooks/<inputs>       the files the decks' code reads (session.toml, facts.toml)
    requirements.txt         the packages that code imports, at the versions this build ran

``verify_run`` proves it works: the zip unpacked alone into a temporary folder, a fresh virtual
environment set up as the student README says, every notebook run top to bottom on the CPU.
"""

from __future__ import annotations

import ast
import copy
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import __version__
from ..errors import Finding
from ..execution.cache import ExecutionCache, execution_key
from ..model.imports import PACKAGE, cell_imports, package_imports, python_imports
from ..model.launch import github_folder, launch_links, links_markdown
from ..model.layout import BuildLayout, write_atomic
from ..model.project import Project, Resolved
from ..steps.students import drop_solutions

# What a student needs besides what the code imports: Jupyter to open the notebooks in
JUPYTER = ("jupyterlab", "ipykernel")
CELL_TIMEOUT = 600      # seconds one cell may take in verify_run (a cold torch.compile: ~1 min)
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


# -- what the notebooks import ---------------------------------------------------------------

def _module_files(module: str, root: Path) -> list[Path]:
    """The files a module name stands for: a module file; a package whole (a package may load
    its modules by name, as deckkit.demos does); nothing when the name is not a module (the
    last part of `from deckkit.x import name` may be a function)."""
    if module == "__init__":
        return [root / "__init__.py"]
    target = root.joinpath(*module.split("."))
    if target.with_suffix(".py").is_file():
        return [target.with_suffix(".py")]
    if (target / "__init__.py").is_file():
        return sorted(p for p in target.rglob("*.py") if "__pycache__" not in p.parts)
    return []


def notebook_side(modules: set[str], root: Path = PACKAGE) -> list[Path]:
    """Every file of the package that importing ``modules`` can reach, with the package
    __init__ files on the way."""
    todo, files = list(modules), set()
    while todo:
        for path in _module_files(todo.pop(), root):
            if path in files:
                continue
            files.add(path)
            parent = path.parent
            while parent != root and root in parent.parents:
                files.add(parent / "__init__.py")
                parent = parent.parent
            todo += package_imports(path, root)
    files.add(root / "__init__.py")
    return sorted(f for f in files if f.is_file())


def requirements(modules: set[str]) -> list[str]:
    """``name==version`` for the installed distribution behind each top-level module (the
    standard library left out), then Jupyter's.  A module with no installed distribution is
    an optional import and is left out; a local version label (2.13.0+cpu) is dropped, so the
    same line installs on every platform."""
    provided = importlib.metadata.packages_distributions()
    wanted = {dist for module in modules - set(sys.stdlib_module_names)
              for dist in provided.get(module, [])}
    lines = {}
    for dist in sorted(wanted, key=str.lower) + list(JUPYTER):
        name = _canonical(dist)
        if name in lines:
            continue
        try:
            lines[name] = f"{name}=={importlib.metadata.version(dist).split('+')[0]}"
        except importlib.metadata.PackageNotFoundError:
            lines[name] = name
    return list(lines.values())


def _canonical(dist: str) -> str:
    return dist.lower().replace("_", "-").replace(".", "-")


# -- the student notebooks -------------------------------------------------------------------

def student_notebook(record, cache: ExecutionCache, notebooks_url: str = ""):
    """The deck as committed, with the outputs its last build recorded, without what students
    do not get; where the notebooks have a public GitHub home, a first cell that makes them
    run on Colab too."""
    nb = copy.deepcopy(record.nb)
    cache.load(record.name, execution_key(record.nb, list(record.inputs)), nb)
    nb, _ = drop_solutions(nb, None)
    for cell in nb.cells:  # when the build ran each cell: its timings, not the student's
        cell.metadata.pop("execution", None)
    nb.metadata["kernelspec"] = dict(KERNEL)
    folder = github_folder(notebooks_url) if notebooks_url else None
    if folder is not None:
        nb.cells.insert(0, _colab_cell(folder, record.deck.path.name))
    nbformat.validate(nb)
    return nb


def _colab_cell(folder, notebook: str):
    path = folder.file(notebook).rpartition("/")[0]
    source = (
        "# On Colab only: fetch this course's notebooks folder, which holds the demos\n"
        "# (deckkit/) these cells import.  Anywhere else this cell does nothing.\n"
        "import os, subprocess, sys\n"
        "if 'google.colab' in sys.modules and not os.path.isdir('deckkit'):\n"
        f"    subprocess.run(['git', 'clone', '-q', '--depth', '1', '--branch', {folder.ref!r},\n"
        f"                    {folder.clone_url!r}, '/content/course'], check=True)\n"
        f"    os.chdir(os.path.join('/content/course', {path!r}))\n"
        "    sys.path.insert(0, os.getcwd())")
    return nbformat.v4.new_code_cell(source, metadata={"slideshow": {"slide_type": "skip"},
                                                       "tags": ["remove-cell"]})


@dataclass
class Kit:
    """What add_student_kit wrote and what the README says about it."""

    notebooks: list[str] = field(default_factory=list)   # file names, in session order
    requirements: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)


def add_student_kit(project: Project, layout: BuildLayout, resolved: Resolved) -> Kit:
    kit = Kit()
    folder = layout.share_notebooks
    shutil.rmtree(folder, ignore_errors=True)  # a deck since removed leaves no notebook behind
    cache = ExecutionCache(project.layout.exec_cache)
    ours, others, inputs = set(), set(), {}
    url = resolved.session.notebooks_url
    for record in resolved.records:
        nb = student_notebook(record, cache, url)
        for cell in nb.cells:
            if cell.cell_type == "code":
                found = cell_imports(cell.source)
                ours |= found[0]
                others |= found[1]
        name = record.deck.path.name
        kit.outputs.append(write_atomic(folder / name, nbformat.writes(nb)))
        kit.notebooks.append(name)
        for path in record.inputs:
            inputs[path] = (folder / os.path.relpath(path, record.deck.path.parent)).resolve()
    for source, target in sorted(inputs.items()):
        if layout.share_dir.resolve() not in target.parents:
            kit.findings.append(Finding(
                str(source.relative_to(project.root)), "share-input",
                "a deck reads it from outside the decks' folder, where the student package "
                "cannot put it", severity="warning"))
        elif source.is_file():
            kit.outputs.append(write_atomic(target, source.read_bytes()))
    for path in notebook_side(ours):
        code = path.read_bytes()
        if path == PACKAGE / "__init__.py":
            code = STUDENT_INIT.format(version=__version__).encode()
        others |= python_imports(ast.parse(code), [])[1]
        kit.outputs.append(write_atomic(folder / "deckkit" / path.relative_to(PACKAGE), code))
    kit.requirements = requirements(others)
    kit.outputs.append(write_atomic(layout.share_requirements, requirements_text(kit)))
    return kit


STUDENT_INIT = '''"""The part of deckkit that this course's notebooks import: the live demos, the agenda and
the figures, copied here by `deckkit share` from deckkit {version}.  Nothing else of deckkit
(building, checking, presenting decks) is needed to run the notebooks."""

__version__ = "{version}"
'''


def requirements_text(kit: Kit) -> str:
    return (
        "# What the notebooks import, at the versions their slides were built with.\n"
        f"# Python {python_floor()} or newer.  Install with:  "
        "python -m pip install -r requirements.txt\n"
        "# On Linux that PyTorch comes with CUDA (several GB).  On a laptop with no NVIDIA GPU,\n"
        "# add  --extra-index-url https://download.pytorch.org/whl/cpu  for the CPU-only build.\n"
        + "".join(f"{line}\n" for line in kit.requirements))


def python_floor() -> str:
    """The oldest Python the notebook side runs on: deckkit's own floor (tomllib: 3.11)."""
    try:
        floor = importlib.metadata.metadata("deckkit").get("Requires-Python") or ""
    except importlib.metadata.PackageNotFoundError:
        floor = ""
    return floor.removeprefix(">=").strip() or "3.11"


def readme_section(kit: Kit, resolved: Resolved) -> str:
    """The student README's part on running the notebooks: three commands per system, none
    that needs a shell's activation step (PowerShell refuses scripts by default)."""
    lines = [
        "",
        "Run the notebooks yourself",
        "--------------------------",
        "notebooks/ holds every section as a notebook, with the outputs shown in class: re-run",
        "them, change them, try your own inputs. They run on a laptop's CPU (a GPU is used",
        f"where there is one). You need Python {python_floor()} or newer. In this folder, run:",
        "",
        "  macOS and Linux (Terminal):",
        "    python3 -m venv .venv",
        "    .venv/bin/python -m pip install -r requirements.txt",
        "    .venv/bin/jupyter lab notebooks",
        "",
        "  Windows (PowerShell or Command Prompt):",
        "    py -m venv .venv",
        "    .venv\\Scripts\\python -m pip install -r requirements.txt",
        "    .venv\\Scripts\\jupyter lab notebooks",
        "",
        "The second command downloads PyTorch and the rest once. On Linux without an NVIDIA GPU",
        "add  --extra-index-url https://download.pytorch.org/whl/cpu  to it: PyTorch's CPU-only",
        "build, a fraction of the size of the one with CUDA. Next time only the third is needed.",
        "In each notebook, run the cells top to bottom (Run > Run All Cells): the first ones",
        "set it up.",
    ]
    url = resolved.session.notebooks_url
    if url:
        lines += ["", "Or open a notebook online, with nothing installed:"]
        lines += [f"  {name}: {links_markdown(launch_links(url, name))}"
                  for name in kit.notebooks]
    return "\n".join(lines) + "\n"


# -- verify_run: the package alone, as a student would use it --------------------------------

@dataclass
class RunReport:
    findings: list[Finding] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def verify_run(package_zip: Path, progress=lambda msg: None, python: Path | None = None,
               timeout: int = CELL_TIMEOUT, scan=None) -> RunReport:
    """Unpack ``package_zip`` into a temporary folder, make a fresh virtual environment there
    and install its requirements.txt as the README says (``python``: run with this interpreter
    instead, installing nothing), then run every notebook top to bottom in a kernel of that
    environment.  A cell that raises (unless tagged raises-exception), a dead kernel or a cell
    past ``timeout`` is a finding naming the notebook and the cell.  ``scan(folder)`` returns
    findings for what must not be in the unpacked notebooks (share.verify_package's search)."""
    report = RunReport()
    with tempfile.TemporaryDirectory(prefix="deckkit-student-") as tmp:
        tmp = Path(tmp)
        with zipfile.ZipFile(package_zip) as archive:
            archive.extractall(tmp / "unzipped")
        tops = [p for p in (tmp / "unzipped").iterdir() if p.is_dir()]
        top = tops[0] if len(tops) == 1 else tmp / "unzipped"
        shown = f"{package_zip.name}: notebooks/"
        if scan is not None:
            report.findings += scan(top)
        env = _student_env(tmp)
        made = None
        if python is None:
            started = time.monotonic()
            progress("share: a fresh virtual environment, pip install -r requirements.txt")
            made = tmp / "venv"
            python = venv_python(made)
            failed = _install(top, tmp / "venv", env)
            if failed:
                report.findings.append(Finding(f"{package_zip.name}: requirements.txt",
                                               "student-install", failed))
                return report
            report.verified.append(f"the package's requirements.txt installed into a fresh "
                                   f"virtual environment in {time.monotonic() - started:.0f} s")
        runner = tmp / "run_notebooks.py"
        runner.write_text(RUNNER, encoding="utf-8", newline="\n")
        results = tmp / "results.jsonl"
        proc = subprocess.Popen([str(python), str(runner), str(top / "notebooks"),
                                 str(timeout), str(results)], cwd=top, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                encoding="utf-8", errors="replace")
        tail = []
        for line in proc.stdout:
            if line.startswith(MARK):
                progress(f"share: ran notebooks/{line[len(MARK):].strip()}")
            else:
                tail = (tail + [line.rstrip()])[-20:]
        proc.wait()
        ran = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()
               if line.strip()] if results.exists() else []
        probe = next((entry["probe"] for entry in ran if "probe" in entry), None)
        ran = [entry for entry in ran if "probe" not in entry]
        if probe is not None:
            report.findings += _check_probe(probe, top, made)
        if proc.returncode != 0:
            report.findings.append(Finding(shown, "student-run", "the notebook runner stopped "
                                           f"(exit {proc.returncode}): "
                                           + " | ".join(tail[-5:])))
        cells = 0
        for entry in ran:
            cells += entry["cells"]
            for error in entry["errors"]:
                report.findings.append(Finding(
                    f"{package_zip.name}: notebooks/{entry['notebook']}", "student-run",
                    f"{error['error']} when a student runs it top to bottom with only the "
                    "package; run that cell in a fresh environment (the demos it calls must "
                    "be in notebooks/deckkit/, what they import in requirements.txt)",
                    error["cell"], error.get("source", "")))
        if not ran and proc.returncode == 0:
            report.findings.append(Finding(shown, "student-run", "no notebook ran: the package "
                                           "holds none; check that the decks were built"))
        if ran and not report.findings:
            report.verified.append(f"{len(ran)} notebook(s), {cells} code cell(s), run top to "
                                   "bottom from the unpacked package alone: 0 failing cells")
    return report


def _check_probe(probe: dict, top: Path, venv: Path | None) -> list[Finding]:
    """The kernels ran the package's own deckkit (not an installed one), in the fresh venv."""
    wrong = []
    deckkit = Path(probe["deckkit"]).resolve()
    if (top / "notebooks" / "deckkit").resolve() not in deckkit.parents:
        wrong.append(f"imported deckkit from {deckkit}, not from the package's notebooks/deckkit")
    if venv is not None and Path(probe["prefix"]).resolve() != venv.resolve():
        wrong.append(f"ran Python from {probe['prefix']}, not from the fresh environment")
    return [Finding("notebooks/", "student-run", f"the notebooks' kernel {why}; the run proves "
                    "nothing about a student's laptop (look for a Jupyter kernel or PYTHONPATH "
                    "that points elsewhere)") for why in wrong]


def _student_env(tmp: Path) -> dict:
    """This process's environment without what would let the project leak in (PYTHONPATH, an
    active venv, Jupyter and IPython settings, deckkit's and torch's cache settings), with
    Jupyter's and the caches' folders fresh, as on a student's laptop."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
           and not k.startswith(("JUPYTER", "IPYTHON", "DECKKIT", "TORCH", "MPL"))}
    for key, sub in (("JUPYTER_CONFIG_DIR", "jupyter/config"), ("JUPYTER_DATA_DIR", "jupyter/data"),
                     ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"), ("IPYTHONDIR", "ipython"),
                     ("XDG_CACHE_HOME", "cache"), ("MPLCONFIGDIR", "mpl")):
        env[key] = str(tmp / "home" / sub)
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _install(top: Path, venv: Path, env: dict) -> str:
    """Make the venv and pip install -r requirements.txt; "" when it worked, else why not."""
    steps = ([sys.executable, "-m", "venv", str(venv)],
             [str(venv_python(venv)), "-m", "pip", "install", "--disable-pip-version-check",
              "-q", "-r", "requirements.txt"])
    for step in steps:
        done = subprocess.run(step, cwd=top, env=env, capture_output=True, text=True,
                              encoding="utf-8", errors="replace")
        if done.returncode != 0:
            said = [line for line in (done.stderr + done.stdout).splitlines()
                    if line.strip() and not line.startswith("WARNING: Location")]
            return (f"`{' '.join(step[1:])}` failed (exit {done.returncode}): "
                    + " | ".join(said[-4:]) + "; a student following the README would stop "
                    "here: pin only versions that exist on PyPI")
    return ""


MARK = "deckkit-ran: "   # the runner's progress lines start with it
# Run in the student's environment: nbformat and nbclient come with JupyterLab (via nbconvert).
# skip-execution and raises-exception are honoured as nbclient and the build honour them.
RUNNER = r'''
import json, sys, time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

folder, timeout, results = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
try:   # deckkit's client: a reply already there is read at once (execution/channels.py)
    from deckkit.execution.channels import SlicedKernelClient
except ImportError:
    SlicedKernelClient = None


def client_for(nb, **options):
    client = NotebookClient(nb, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}, **options)
    if SlicedKernelClient is not None:
        client.create_kernel_manager().client_factory = SlicedKernelClient
    return client


# first, where a kernel started here takes Python and deckkit from
probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    "import sys, deckkit\nprint(sys.prefix)\nprint(deckkit.__file__)")])
client_for(probe, timeout=120).execute()
prefix, found = "".join(o.get("text", "") for o in probe.cells[0].outputs).splitlines()[:2]
with open(results, "a", encoding="utf-8", newline="\n") as fh:
    fh.write(json.dumps({"probe": {"prefix": prefix, "deckkit": found}}) + "\n")
for path in sorted(folder.glob("*.ipynb")):
    nb = nbformat.read(str(path), as_version=4)
    state = {"cell": None}
    def started(cell=None, cell_index=None, **_):
        state["cell"] = cell_index
    client = client_for(nb, timeout=timeout, allow_errors=True, on_cell_start=started)
    begun, stopped = time.monotonic(), None
    try:
        client.execute()
    except CellTimeoutError:
        stopped = f"ran past {timeout} s"
    except DeadKernelError:
        stopped = "the kernel died"
    except Exception as exc:
        stopped = f"{type(exc).__name__}: {exc}"
    errors, code = [], [c for c in nb.cells if c.cell_type == "code"]
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append({"cell": index, "source": cell.source,
                               "error": f"{out.get('ename')}: {out.get('evalue')}"})
                break
    if stopped:
        at = state["cell"]
        errors.append({"cell": at, "error": stopped,
                       "source": nb.cells[at].source if at is not None else ""})
    with open(results, "a", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps({"notebook": path.name, "cells": len(code), "errors": errors,
                             "seconds": round(time.monotonic() - begun, 1)}) + "\n")
    print(f"MARK{path.name}: {len(code)} code cells in "
          f"{time.monotonic() - begun:.0f} s, {len(errors)} failing", flush=True)
'''.replace("MARK", MARK)
