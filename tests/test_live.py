"""deckkit.live, the safety net inside a presenting kernel, run in-process on a real IPython
shell: a failing or over-budget demo shows its recorded output, never a traceback, and the
failure is written to the presenter's log."""

import json
import time

import pytest

from deckkit.live import Net, load_recordings, run_setup

RECORDED = [{"output_type": "stream", "name": "stdout", "text": "np.dot is 129x faster\n"},
            {"output_type": "display_data", "data": {"text/plain": "<table>"}, "metadata": {}}]


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    sh = InteractiveShell.instance()
    yield sh
    sh.custom_exceptions = ()
    for event in ("pre_run_cell", "post_run_cell"):
        for callback in list(sh.events.callbacks[event]):
            if getattr(callback, "__self__", None).__class__ is Net:
                sh.events.unregister(event, callback)
    InteractiveShell.clear_instance()


def net_on(shell, tmp_path, cells):
    shown, cleared = [], []
    log = tmp_path / "live.log"
    net = Net(shell, {"deck": "F · Why Python?", "cells": cells}, log,
              display=lambda data, metadata=None: shown.append(data),
              clear=lambda wait=False: cleared.append(wait))
    shell.events.register("pre_run_cell", net.pre_run_cell)
    shell.events.register("post_run_cell", net.post_run_cell)
    shell.set_custom_exc((Exception, KeyboardInterrupt), net.on_error)
    return net, shown, cleared, log


def cell(**extra):
    return {"label": "F · Why Python?, code cell 2", "outputs": RECORDED,
            "badge": "recorded 5 Dec, H200", "budget_s": 10, "expects_error": False, **extra}


def log_entries(log):
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_failing_demo_shows_its_recorded_output_and_tells_the_presenter(shell, tmp_path,
                                                                          capsys):
    net, shown, cleared, log = net_on(shell, tmp_path, {"c2": cell()})
    result = shell.run_cell("print('partial'); 1 / 0", cell_id="c2")
    assert not result.success
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err and "ZeroDivisionError" not in out.out + out.err
    assert "np.dot is 129x faster" in out.out         # the recorded stream, printed again
    assert cleared == [False]                          # what the failed run printed is gone
    assert shown[0] == {"text/plain": "<table>"}
    assert "recorded 5 Dec, H200" in shown[-1]["text/html"]
    [entry] = log_entries(log)
    assert entry["cell"] == "F · Why Python?, code cell 2" and entry["restored"] is True
    assert entry["problem"].startswith("ZeroDivisionError: division by zero")


def test_a_demo_that_succeeds_is_marked_live(shell, tmp_path):
    net, shown, cleared, log = net_on(shell, tmp_path, {"c2": cell()})
    assert shell.run_cell("x = 2 + 2", cell_id="c2").success
    assert cleared == [] and "live" in shown[-1]["text/plain"]
    assert log_entries(log) == []


def test_a_demo_past_its_budget_is_stopped_and_its_recording_shown(shell, tmp_path):
    net, shown, cleared, log = net_on(shell, tmp_path, {"c2": cell(budget_s=0.5)})
    started = time.monotonic()
    shell.run_cell("import time\nwhile True: time.sleep(0.01)", cell_id="c2")
    assert time.monotonic() - started < 3
    assert cleared == [False] and "recorded 5 Dec, H200" in shown[-1]["text/html"]
    [entry] = log_entries(log)
    assert "budget" in entry["problem"] and entry["restored"] is True


def test_a_cell_meant_to_raise_shows_its_error_as_written(shell, tmp_path, capsys):
    net, shown, cleared, log = net_on(shell, tmp_path, {"c9": cell(expects_error=True)})
    shell.run_cell("raise ValueError('shapes (4,3) and (2,) not aligned')", cell_id="c9")
    assert "ValueError" in capsys.readouterr().out
    assert cleared == [] and log_entries(log) == []


def test_a_syntax_error_typed_live_brings_the_recording_back(shell, tmp_path):
    net, shown, cleared, log = net_on(shell, tmp_path, {"c2": cell()})
    shell.run_cell("def (:", cell_id="c2")
    assert cleared == [False] and "SyntaxError" in log_entries(log)[0]["problem"]


def test_a_cell_with_nothing_recorded_fails_as_usual_and_is_still_named(shell, tmp_path,
                                                                         capsys):
    net, shown, cleared, log = net_on(shell, tmp_path, {"c3": cell(outputs=[])})
    shell.run_cell("undefined_name", cell_id="c3")
    assert "NameError" in capsys.readouterr().out
    assert log_entries(log)[0]["restored"] is False


def test_set_up_cells_run_when_the_kernel_starts_and_a_failure_is_logged(shell, tmp_path):
    log = tmp_path / "live.log"
    run_setup(shell, {"deck": "H", "setup": ["import math\nready = math.pi", "import nope_x"]},
              log)
    assert shell.user_ns["ready"] > 3.14
    assert "ModuleNotFoundError" in log_entries(log)[0]["problem"]


def test_a_damaged_recordings_file_is_refused_not_trusted(tmp_path):
    bad = tmp_path / "F.live.json"
    bad.write_text('{"cells": [1, 2]}')
    with pytest.raises(ValueError):
        load_recordings(bad)
