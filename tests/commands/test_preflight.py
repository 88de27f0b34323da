"""`deckkit present`'s preflight: a kernel with the safety net, the recordings, the GPU, and a
cold torch.compile cache warmed in the background so the slide's compile cell finds its code."""

import os
import subprocess
import sys
import time

import nbformat
import pytest

from deckkit.commands.preflight import Preflight
from deckkit.commands.present import prepare_room
from deckkit.demos.compiled import compile_support
from deckkit.model.project import Project

pytestmark = pytest.mark.slow


@pytest.mark.skipif(not compile_support("cpu")[0], reason="no C++ compiler for Inductor")
def test_preflight_checks_h_and_warms_a_cold_compile_cache_for_its_slide(repo_build, tmp_path,
                                                                        monkeypatch):
    pytest.importorskip("jupyterlab_rise", reason="jupyterlab-rise is not installed")
    monkeypatch.delenv("TORCHINDUCTOR_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cold"))   # a fresh machine's cache
    project = Project(repo_build[0])
    notebook, missing = prepare_room(project, "H")
    preflight = Preflight(project, notebook, missing)
    checks = {c.what: c for c in preflight.run()}
    assert checks["kernel"].ok and "safety net on" in checks["kernel"].detail
    assert checks["recordings"].ok, checks["recordings"].detail
    assert checks["GPU"].ok
    assert checks["compile"].ok is None          # warming, and said so
    warm = preflight.warmed(timeout=300)
    assert warm is not None and warm.ok, warm
    assert str(tmp_path / "cold") in warm.detail

    # the slide's compile cell, run as the room's kernel would run it, finds its code cached
    nb = nbformat.read(str(project.decks_dir / "H_era_cards.ipynb"), as_version=4)
    cell = next(c.source for c in nb.cells
                if c.cell_type == "code" and "torch.compile(" in c.source)
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", cell], cwd=project.decks_dir, env=dict(
        os.environ, MPLBACKEND="Agg"), capture_output=True, text=True, timeout=300)
    took = time.perf_counter() - started
    assert run.returncode == 0, run.stderr[-500:]
    assert "(warm cache)" in run.stdout, run.stdout
    print(f"H's compile cell after preflight: {took:.1f} s in a fresh process (imports included)")
