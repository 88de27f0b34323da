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
