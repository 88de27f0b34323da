import pytest

from deckkit.execution.kernel import execute_notebook
from helper import code, make_nb, md, pids_with

pytestmark = pytest.mark.slow


def run(cells, tmp_path, timeout=30):
    return execute_notebook(make_nb("C", [md("# T", "slide"), *cells]), "decks/C_t.ipynb",
                            tmp_path, timeout)


def test_when_a_cell_raises_then_finding_names_cell_error_and_fix(tmp_path):
    result = run([code("x = 1"), code("h = relu(x @ W1 + b1)")], tmp_path)
    assert not result.ok
    [finding] = result.findings
    assert str(finding).startswith('decks/C_t.ipynb cell 2 ("h = relu(x @ W1 + b1)"): raised '
                                   "NameError")
    assert "raises-exception" in finding.message
    assert "Traceback" not in str(finding)


def test_when_a_cell_hangs_then_it_is_stopped_at_the_timeout(tmp_path):
    result = run([code("import time\ntime.sleep(60)")], tmp_path, timeout=2)
    [finding] = result.findings
    assert finding.code == "timeout" and finding.cell == 1
    assert "2 s cell timeout" in finding.message
    assert result.seconds < 30


def test_standard_tags_skip_execution_and_raises_exception_are_honoured(tmp_path):
    result = run([code("raise RuntimeError('expected')", tags=["raises-exception"]),
                  code("import time; time.sleep(60)", tags=["skip-execution"]),
                  code("print('ran', 6 * 7)")], tmp_path, timeout=10)
    assert result.ok, result.findings
    assert result.nb.cells[3].outputs[0]["text"] == "ran 42\n"
    assert result.nb.cells[2].outputs == []


def test_cells_run_in_the_deck_folder_and_see_the_build_flag(tmp_path):
    (tmp_path / "data.txt").write_text("hello")
    result = run([code("import os\nprint(open('data.txt').read(), os.environ['DECKKIT_BUILD'])")],
                 tmp_path)
    assert result.ok, result.findings
    assert result.nb.cells[1].outputs[0]["text"] == "hello 1\n"


def test_a_failure_inside_a_long_cell_names_the_failing_line_and_the_function(tmp_path):
    (tmp_path / "helpers.py").write_text("def scale(x):\n    return x / 0\n")
    source = "import helpers\na = 1\nb = 2\nc = helpers.scale(a + b)\nd = 4"
    result = run([code(source)], tmp_path)
    [finding] = result.findings
    assert "raised ZeroDivisionError: division by zero" in finding.message
    assert 'at line 4 ("c = helpers.scale(a + b)")' in finding.message
    assert "helpers.py:2 (scale)" in finding.message
    assert "\x1b[" not in finding.message  # no terminal colour codes


def test_a_process_a_cell_starts_in_a_new_session_does_not_outlive_the_build(tmp_path):
    import os
    import time

    marker = f"deckkit-stray-{os.getpid()}"
    source = ("import subprocess, sys\n"
              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', "
              f"'{marker}'], start_new_session=True)")
    result = run([code(source)], tmp_path)
    assert [f.code for f in result.findings] == ["stray-process"]
    assert result.findings[0].severity == "warning" and result.ok
    time.sleep(0.5)
    assert pids_with(marker) == []


def test_a_daemon_that_leaves_its_session_and_its_parent_is_stopped_and_named(tmp_path):
    """`setsid sh -c "sleep … &"`: sh exits at once, so the sleep is reparented out of the
    kernel's tree before the cell ends; its environment still carries the kernel's mark."""
    import os
    import shutil
    import time

    if not shutil.which("setsid"):
        pytest.skip("no setsid here")
    marker = f"{700 + os.getpid() % 97}.{os.getpid()}"   # a sleep no other test starts
    source = ("import subprocess\n"
              f"subprocess.Popen(['setsid', 'sh', '-c', 'sleep {marker} &']).wait()")
    result = run([code(source)], tmp_path)
    assert [f.code for f in result.findings] == ["stray-process"]
    assert f"sleep {marker}" in result.findings[0].message    # named: what was left running
    time.sleep(0.5)
    assert pids_with(marker) == []



def test_a_cell_printing_too_much_is_cut_reported_and_the_deck_stays_usable(tmp_path):
    source = "for _ in range(300):\n    print('x' * 100_000)"  # 30 MB
    result = execute_notebook(make_nb("C", [md("# T", "slide"), code(source), code("print(1)")]),
                              "decks/C_t.ipynb", tmp_path, 60, max_output_mb=1)
    assert result.ok
    [finding] = result.findings
    assert (finding.code, finding.cell, finding.severity) == ("output-too-large", 1, "warning")
    text = "".join(o.get("text", "") for o in result.nb.cells[1].outputs)
    assert len(text) < 1.2e6 and "[deckkit: output cut at 1 MB]" in text
    assert result.nb.cells[2].outputs[0]["text"] == "1\n"  # later cells ran as usual


def test_a_deck_without_code_starts_no_kernel(tmp_path, monkeypatch):
    from deckkit.execution import kernel

    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started for a deck with nothing to run")

    monkeypatch.setattr(kernel, "CappedClient", no_kernel)
    skipped = code("print('not now')")
    skipped.metadata["tags"] = ["skip-execution"]
    nb = make_nb("B", [md("# Agenda", "slide"), code("   \n"), skipped])
    result = kernel.execute_notebook(nb, "decks/B_agenda.ipynb", tmp_path)
    assert result.ok and result.seconds == 0


def test_a_kernel_started_ahead_has_the_decks_imports_done_and_counts_from_one(tmp_path):
    from deckkit.execution.kernel import Kernel, imported_modules

    # the first cell looks before the deck's own import: the kernel imported it while waiting
    nb = make_nb("C", [md("# T", "slide"),
                       code("import sys\nprint('xml.dom.minidom' in sys.modules)"),
                       code("from xml.dom import minidom\nimport email.mime.text")])
    assert imported_modules(nb) == ("sys", "xml.dom", "email.mime.text")
    kernel = Kernel(tmp_path, preload=imported_modules(nb) + ("xml.dom.minidom", "no_such_mod"))
    assert kernel.ready(60) and kernel.started_s is not None
    result = execute_notebook(nb, "decks/C_t.ipynb", tmp_path, 30, kernel=kernel)
    assert result.ok, result.findings
    assert result.nb.cells[1].outputs[0]["text"] == "True\n"
    # the imports ran silently: no output of their own, and the deck's counts start at 1
    assert [c.execution_count for c in result.nb.cells[1:]] == [1, 2]
    with pytest.raises(RuntimeError, match="runs one deck"):
        kernel.run(nb, "decks/C_t.ipynb")


def test_a_kernel_started_ahead_and_never_used_is_stopped_by_close(tmp_path):
    import psutil

    from deckkit.execution.kernel import Kernel

    kernel = Kernel(tmp_path)
    assert kernel.ready(60)
    pid = kernel._client.km.provisioner.process.pid
    assert psutil.pid_exists(pid)
    kernel.close()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_a_timing_deck_runs_after_the_others_with_its_set_up_done_ahead(tmp_path):
    """F (exclusive) gets its kernel first; its hidden set-up cell runs while C runs, its demo
    cell only after C is done and the build said it is quiet; outputs and counts as usual."""
    from deckkit.execution import parallel
    from deckkit.execution.kernel import setup_cells

    made = []
    real = parallel.Kernel

    def recording(cwd, env=None, preload=(), **kwargs):
        made.append(preload)
        return real(cwd, env, preload, **kwargs)

    stamp = "import time\nprint(time.time())"
    f = make_nb("F", [md("# F", "slide"), code("import json\n" + stamp, tags=["remove-cell"]),
                      md("## demo", "slide"), code(stamp)])
    c = make_nb("C", [md("# C", "slide"), code("import csv, time\ntime.sleep(1.5)\n" + stamp)])
    assert setup_cells(f) == (1,) and setup_cells(c) == ()
    jobs = [parallel.Job("F_t", "decks/F_t.ipynb", f, tmp_path, exclusive=True),
            parallel.Job("C_t", "decks/C_t.ipynb", c, tmp_path)]
    order = []
    orig, parallel.Kernel = parallel.Kernel, recording
    try:
        with parallel.Runs(jobs, parallel.RunOptions(30, workers=2)) as turns:
            done = turns.shared()
            order.append("quiet")  # what the build waits for between the turns (its diagrams)
            runs = turns.in_order(done + turns.alone())
    finally:
        parallel.Kernel = orig
    assert [job.name for job, _ in runs] == ["F_t", "C_t"]  # in the order given
    assert all(e.ok for _, e in runs), [e.findings for _, e in runs]
    out = {job.name: e.nb for job, e in runs}
    setup_at, demo_at = (float(out["F_t"].cells[i].outputs[0]["text"]) for i in (1, 3))
    c_at = float(out["C_t"].cells[1].outputs[0]["text"])
    assert setup_at < c_at < demo_at and order == ["quiet"]
    assert [out["F_t"].cells[i].execution_count for i in (1, 3)] == [1, 2]
    assert "tags" in out["F_t"].cells[1].metadata and out["F_t"].cells[1].metadata.tags == [
        "remove-cell"]  # nothing of the run ahead is left on the cell
    assert made[0] == ("json", "time")  # the timing deck's kernel was asked for first


def test_a_set_up_cell_that_fails_ahead_is_reported_with_its_cell(tmp_path):
    from deckkit.execution.kernel import Kernel, setup_cells

    nb = make_nb("F", [md("# F", "slide"), code("1 / 0", tags=["remove-cell"]),
                       code("print('demo')")])
    kernel = Kernel(tmp_path, nb=nb, setup=setup_cells(nb))
    result = execute_notebook(nb, "decks/F_t.ipynb", tmp_path, 30, kernel=kernel)
    [finding] = result.findings
    assert finding.cell == 1 and "ZeroDivisionError" in finding.message
    assert result.nb.cells[2].outputs == []  # the deck stopped there, as in Jupyter
