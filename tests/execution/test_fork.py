"""Kernels forked from one warm process (execution/fork.py): each deck still gets a fresh
interpreter of its own, with the shared imports already done, and nothing outlives the build."""

import os
import subprocess
import sys
import time

import psutil
import pytest

from deckkit.execution.fork import KernelFork, can_fork, forkable
from deckkit.execution.kernel import Kernel, execute_notebook
from helper import code, make_nb, md, pids_with

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not can_fork(), reason="kernels are forked on Linux only")]

LIMITS = {"OMP_NUM_THREADS": "1"}


@pytest.fixture(scope="module")
def fork():
    made = KernelFork(LIMITS, ("numpy",))
    yield made
    made.close()


def forked_run(fork, cells, tmp_path, timeout=30):
    kernel = Kernel(tmp_path, LIMITS, fork=fork)
    return execute_notebook(make_nb("C", [md("# T", "slide"), *cells]), "decks/C_t.ipynb",
                            tmp_path, timeout, kernel=kernel)


def outputs(result):
    return [o.get("text", "") for cell in result.nb.cells[1:] for o in cell.get("outputs", [])]


def test_each_forked_kernel_is_a_fresh_interpreter_with_the_shared_imports_done(fork, tmp_path):
    (tmp_path / "data.txt").write_text("here")
    look = code("import os, sys\nprint(os.getppid(), 'numpy' in sys.modules, "
                "os.environ['OMP_NUM_THREADS'], os.environ['DECKKIT_BUILD'], "
                "open('data.txt').read(), 'left_by_the_other' in dir())")
    first = forked_run(fork, [look, code("import numpy\nprint(numpy.random.rand())\n"
                                         "left_by_the_other = 1")], tmp_path)
    second = forked_run(fork, [look, code("import numpy\nprint(numpy.random.rand())")], tmp_path)
    assert first.ok and second.ok, first.findings + second.findings
    for result in (first, second):
        # forked from the one process, numpy imported there, the thread limit and the deck's
        # folder its own, and nothing of the other deck's namespace
        assert outputs(result)[0] == f"{fork.pid} True 1 1 here False\n"
        assert [c.execution_count for c in result.nb.cells[1:]] == [1, 2]
    assert outputs(first)[1] != outputs(second)[1]  # each deck draws its own random numbers


def test_the_provisioner_is_registered_and_chosen_the_way_jupyter_client_supports(fork):
    """An entry point (jupyter_client.kernel_provisioners) registers it, a kernelspec's
    metadata chooses it, its configuration names the fork; a closed fork is no longer found."""
    from importlib.metadata import entry_points

    from jupyter_client import KernelManager
    from jupyter_client.provisioning import KernelProvisionerFactory

    from deckkit.execution.fork import running
    from deckkit.execution.provisioner import NAME, ForkProvisioner, choose

    [point] = [e for e in entry_points(group="jupyter_client.kernel_provisioners")
               if e.name == NAME]
    assert point.load() is ForkProvisioner
    km = KernelManager(kernel_name="python3")
    assert choose(km, fork)
    made = KernelProvisionerFactory.instance().create_provisioner_instance(
        "k1", km.kernel_spec, parent=km)
    assert isinstance(made, ForkProvisioner) and running(made.fork_id) is fork
    other = KernelFork(LIMITS)
    other.close()
    assert running(other.id) is None


def test_only_a_kernel_this_fork_can_be_is_forked(fork):
    """Another Python (a kernelspec of another virtual environment), another kernel, or other
    thread limits: that kernel is started the usual way."""
    ours = [sys.executable, "-m", "ipykernel_launcher", "-f", "kernel.json"]
    env = dict(os.environ, **LIMITS)
    assert fork.matches(ours, env)
    assert not fork.matches(["/elsewhere/venv/bin/python", *ours[1:]], env)
    assert not fork.matches([sys.executable, "-m", "other_kernel", "-f", "kernel.json"], env)
    assert not fork.matches(ours, dict(env, OMP_NUM_THREADS="4"))


def test_a_timing_decks_forked_kernel_has_the_thread_pools_a_fresh_kernel_has(tmp_path):
    """The timing decks compare engines on every thread: forked after numpy and torch were
    imported, their kernel must see the same BLAS and OpenMP pools as a kernel started anew."""
    look = code("import numpy, torch, threadpoolctl\nprint(sorted((i['internal_api'], "
                "i['num_threads']) for i in threadpoolctl.threadpool_info()), "
                "torch.get_num_threads())")
    made = KernelFork({}, ("numpy", "torch"))
    try:
        seen = [execute_notebook(make_nb("F", [md("# T", "slide"), look]), "decks/F_t.ipynb",
                                 tmp_path, 60, kernel=Kernel(tmp_path, fork=fork_or_none))
                for fork_or_none in (made, None)]
    finally:
        made.close()
    assert all(r.ok for r in seen), [r.findings for r in seen]
    forked, fresh = (r.nb.cells[1].outputs[0]["text"] for r in seen)
    assert forked == fresh


def test_pyplot_hooks_into_the_forked_kernels_own_shell(tmp_path):
    """The fork imports what pyplot draws with, not pyplot: a figure still shows by itself at
    the end of the cell, as in Jupyter."""
    assert forkable(("matplotlib.pyplot", "deckkit.demos")) == (
        "matplotlib.backends.backend_agg",)
    made = KernelFork({}, forkable(("matplotlib.pyplot",)))
    try:
        result = execute_notebook(
            make_nb("C", [md("# T", "slide"),
                          code("import sys\nprint('matplotlib.backends.backend_agg' in "
                               "sys.modules, 'matplotlib.pyplot' in sys.modules)"),
                          code("import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])")]),
            "decks/C_t.ipynb", tmp_path, 60, kernel=Kernel(tmp_path, fork=made))
    finally:
        made.close()
    assert result.ok, result.findings
    assert result.nb.cells[1].outputs[0]["text"] == "True False\n"
    assert any("image/png" in o.get("data", {}) for o in result.nb.cells[2].outputs)


def test_a_forked_kernel_keeps_the_cell_timeout_and_the_stray_process_check(fork, tmp_path):
    hung = forked_run(fork, [code("import time\ntime.sleep(60)")], tmp_path, timeout=2)
    [finding] = hung.findings
    assert finding.code == "timeout" and finding.cell == 1 and hung.seconds < 30

    marker = f"deckkit-fork-stray-{os.getpid()}"
    started = forked_run(fork, [code(
        "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; "
        f"time.sleep(300)', '{marker}'], start_new_session=True)")], tmp_path)
    assert [f.code for f in started.findings] == ["stray-process"]
    time.sleep(0.5)
    assert pids_with(marker) == []
    assert psutil.Process(fork.pid).children() == []  # both kernels ended and were reaped


def test_a_forked_kernel_that_dies_reports_how_it_ended(fork, tmp_path):
    """The fork is the kernel's parent and reaps it: it hands deckkit the real exit status,
    so a killed kernel is named as killed, and a kernel that exits says its code."""
    killed = forked_run(fork, [code("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")],
                        tmp_path)
    [finding] = killed.findings
    assert finding.code == "kernel-died" and finding.cell == 1
    assert "the kernel died (ended by SIGKILL, as the out-of-memory killer ends a process)" \
        in finding.message
    exited = forked_run(fork, [code("import os\nos._exit(3)")], tmp_path)
    [finding] = exited.findings
    assert "the kernel died (exit status 3)" in finding.message


def test_an_ended_kernels_status_is_the_one_the_fork_wrote(tmp_path):
    from deckkit.execution.fork import Forked

    gone = psutil.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    status = tmp_path / str(gone.pid)
    status.write_text("-15", encoding="ascii")
    assert Forked(gone.pid, status).poll() == -15
    Forked.STATUS_WAIT, wait = 0.05, Forked.STATUS_WAIT
    try:   # nothing written (the fork ended first): not a clean exit
        assert Forked(gone.pid, tmp_path / "none").wait() == 1
    finally:
        Forked.STATUS_WAIT = wait


def parent_of_a_kernel_run_with(made: KernelFork, tmp_path) -> int:
    """Run a one-cell deck with a kernel that may come from ``made``; the kernel's parent pid
    (deckkit's when the kernel was launched the usual way, the fork's when it was forked)."""
    result = execute_notebook(make_nb("C", [md("# T", "slide"),
                                            code("import os\nprint(os.getppid())")]),
                              "decks/C_t.ipynb", tmp_path, 30,
                              kernel=Kernel(tmp_path, fork=made))
    assert result.ok, result.findings
    return int(result.nb.cells[1].outputs[0]["text"])


def test_a_kernel_is_started_the_usual_way_when_the_fork_has_died(tmp_path):
    made = KernelFork({}, ())
    made._process.kill()
    made._process.wait()
    assert parent_of_a_kernel_run_with(made, tmp_path) == os.getpid()  # launched by us
    made.close()


def test_a_fork_that_stops_answering_is_ended_and_the_kernel_starts_the_usual_way(
        tmp_path, monkeypatch):
    import signal

    from deckkit.execution import fork as fork_module

    made = KernelFork({}, ())
    made._wait_ready()
    os.kill(made.pid, signal.SIGSTOP)   # alive, but it answers nothing
    monkeypatch.setattr(fork_module, "REPLY_TIMEOUT", 1.0)
    started = time.monotonic()
    assert parent_of_a_kernel_run_with(made, tmp_path) == os.getpid()  # launched by us
    made.close()
    assert time.monotonic() - started < 25
    assert made._process.poll() is not None   # the stuck fork was ended


def test_the_fork_and_its_kernels_end_when_deckkit_dies(tmp_path):
    """A build killed outright (no finally runs) leaves neither the fork nor a kernel."""
    script = ("import os, sys\nfrom pathlib import Path\n"
              "from deckkit.execution.fork import KernelFork\n"
              "from deckkit.execution.kernel import Kernel\n"
              "fork = KernelFork({}, ())\n"
              f"kernel = Kernel(Path({str(tmp_path)!r}), fork=fork)\n"
              "kernel.ready(60)\n"
              "print(fork.pid, kernel._client.km.provisioner.process.pid, flush=True)\n"
              "os._exit(1)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    fork_pid, kernel_pid = map(int, done.stdout.split())
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(map(_running, (fork_pid, kernel_pid))):
        time.sleep(0.2)
    assert not _running(fork_pid) and not _running(kernel_pid)


@pytest.fixture
def forks_made(monkeypatch):
    """Every KernelFork run_jobs starts, with the limits and modules it was given."""
    from deckkit.execution import parallel

    made = []
    real = parallel.KernelFork

    def recording(env, modules):
        made.append(real(env, modules))
        made[-1].limits_given, made[-1].modules = env, modules
        return made[-1]

    monkeypatch.setattr(parallel, "KernelFork", recording)
    return made


def test_shared_decks_share_one_fork_that_is_gone_when_the_run_ends(tmp_path, forks_made):
    from deckkit.execution import parallel

    made = forks_made
    look = code("import os, csv\nprint(os.getppid())")
    jobs = [parallel.Job(f"{x}_t", f"decks/{x}_t.ipynb", make_nb(x, [md("# T", "slide"), look]),
                         tmp_path) for x in "CD"]
    runs = parallel.run_jobs(jobs, parallel.RunOptions(30, workers=2))
    assert all(e.ok for _, e in runs), [e.findings for _, e in runs]
    [fork] = made
    assert {e.nb.cells[1].outputs[0]["text"] for _, e in runs} == {f"{fork.pid}\n"}
    assert fork.modules == ()  # os and csv are not what a fork imports (FORKABLE)
    assert not _running(fork.pid)
    # one deck (preview's code edit, a warm kernel at hand): no fork is started for it
    parallel.run_jobs(jobs[:1], parallel.RunOptions(30, workers=2))
    assert len(made) == 1


def test_timing_decks_share_a_fork_of_their_own_that_outlives_their_set_up(tmp_path,
                                                                              forks_made):
    """The timing decks' kernels are forked (set-up cells run) before the shared decks run,
    and run after them: their fork must still be there, with every thread allowed."""
    from deckkit.execution import parallel

    look = code("import os\nprint(os.getppid(), os.environ.get('OMP_NUM_THREADS'))")
    setup = code("import time\ntime.sleep(0.2)", tags=["remove-cell"])
    jobs = [parallel.Job(f"{x}_t", f"decks/{x}_t.ipynb",
                         make_nb(x, [md("# T", "slide"), setup, look]), tmp_path, exclusive=True)
            for x in "FH"]
    jobs += [parallel.Job(f"{x}_t", f"decks/{x}_t.ipynb",
                          make_nb(x, [md("# T", "slide"), code("import time\ntime.sleep(1)")]),
                          tmp_path) for x in "CD"]
    runs = parallel.run_jobs(jobs, parallel.RunOptions(30, workers=2))
    assert all(e.ok for _, e in runs), [e.findings for _, e in runs]
    shared, alone = forks_made
    assert shared.limits_given == parallel.SINGLE_THREAD and alone.limits_given == {}
    assert {e.nb.cells[2].outputs[0]["text"] for j, e in runs if j.exclusive} == {
        f"{alone.pid} {os.environ.get('OMP_NUM_THREADS')}\n"}
    assert not _running(shared.pid) and not _running(alone.pid)


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
