"""`deckkit present`: a live RISE slideshow on 127.0.0.1 behind a token."""

import json
import socket
import urllib.error
import urllib.request

import pytest

from conftest import copy_of_repo
from deckkit.commands.present import Presenter, server_command
from deckkit.model.project import Project
from helper import pids_with

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def root(tmp_path):
    return copy_of_repo(tmp_path)


@pytest.fixture(scope="module")
def shared_root(tmp_path_factory):
    return copy_of_repo(tmp_path_factory.mktemp("presented"))


@pytest.fixture(scope="module")
def presenter(chromium_path, shared_root):
    """One JupyterLab for the tests that look at a running C slideshow (each start costs
    seconds of CPU); the last of them stops it, and checks that everything ended."""
    pytest.importorskip("jupyterlab_rise", reason="jupyterlab-rise is not installed")
    p = Presenter(Project(shared_root), "C")
    p.start()
    yield p
    p.stop()


def test_the_server_listens_on_loopback_and_demands_the_token(presenter):
    command = server_command(presenter.project, presenter.port)
    assert command.count("--ip=127.0.0.1") == 1
    # the token is not on the (world-readable) command line of the running server
    cmdline = open(f"/proc/{presenter.proc.pid}/cmdline", "rb").read().decode()
    assert "lab" in cmdline and presenter.token not in cmdline
    import stat

    import psutil

    for child in psutil.Process(presenter.proc.pid).children(recursive=True):  # kernels too
        try:
            arguments = child.cmdline()
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            continue   # a helper that just ended has no arguments left to read
        assert presenter.token not in " ".join(arguments), arguments
    # the server's log shows its URL with the token: the presenter's alone
    assert stat.S_IMODE(presenter.log.stat().st_mode) == 0o600
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(f"http://127.0.0.1:{presenter.port}/api/sessions", timeout=5)
    assert denied.value.code == 403
    with urllib.request.urlopen(f"http://127.0.0.1:{presenter.port}/api/sessions?token="
                                f"{presenter.token}", timeout=5) as ok:
        assert ok.status == 200


def test_the_presented_copy_carries_the_speaker_notes(presenter):
    import nbformat

    nb = nbformat.read(str(presenter.notebook), as_version=4)
    assert presenter.notebook.parent.name == "present"
    notes = [c.source for c in nb.cells
             if c.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    assert len(notes) == 8 and any("Why no activation on the final layer?" in n for n in notes)


def test_a_signal_stops_the_server_and_its_kernels(chromium_path, root, stop_with="SIGTERM"):
    """End to end, once: the three signals themselves are tested in-process (test_signals)."""
    import os
    import re
    import signal
    import subprocess
    import sys
    import time

    pytest.importorskip("jupyterlab_rise", reason="jupyterlab-rise is not installed")
    proc = subprocess.Popen([sys.executable, "-m", "deckkit", "--root", str(root), "present", "C",
                             "--no-browser"], stderr=subprocess.PIPE, text=True)
    try:
        url = None
        while url is None:
            line = proc.stderr.readline()
            assert line, "deckkit present exited before printing the slideshow URL"
            if m := re.search(r"(http://127\.0\.0\.1:(\d+)/rise/\S+token=(\S+))", line):
                url, port, token = m.groups()
        start = urllib.request.Request(f"http://127.0.0.1:{port}/api/kernels?token={token}",
                                       data=b'{"name": "python3"}', method="POST",
                                       headers={"Content-Type": "application/json"})
        kernel_id = json.load(urllib.request.urlopen(start, timeout=30))["id"]
        time.sleep(1)
        pids = pids_with(kernel_id)
        assert pids, "the kernel process was not found"
        proc.send_signal(getattr(signal, stop_with))
        assert proc.wait(timeout=40) == 0
        time.sleep(1)
        assert [p for p in pids if os.path.exists(f"/proc/{p}")] == []
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_taken_port_is_reported_at_once_and_starts_nothing(root):
    import subprocess
    import sys
    import time

    pytest.importorskip("jupyterlab_rise", reason="jupyterlab-rise is not installed")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "deckkit", "--root", str(root), "present",
                              "C", "--no-browser", "--port", str(port)],
                             capture_output=True, text=True, timeout=60)
        assert time.monotonic() - started < 20
    assert run.returncode == 2
    assert f"port {port} on 127.0.0.1 is taken" in run.stderr and "--port" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (root / "build" / "present" / "jupyter.log").exists()  # no server was started


def test_the_pen_draws_over_a_live_slide_and_the_blackboard_opens(presenter, browser,
                                                                  screenshot_dir):
    """RISE's chalkboard (enable_chalkboard, bundled by jupyterlab-rise: nothing fetched):
    ] draws over the slide, [ opens the blackboard, in command mode."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(presenter.url)
    page.wait_for_selector(".reveal .slides section.present", timeout=90000)
    page.wait_for_function("!!window.RevealChalkboard", timeout=30000)
    page.click(".reveal .slides section.present h1")
    page.keyboard.press("Escape")  # command mode: the chalkboard's keys are RISE commands there
    page.keyboard.press("]")
    page.wait_for_timeout(500)
    page.mouse.move(400, 300)
    page.mouse.down()
    page.mouse.move(700, 420, steps=20)
    page.mouse.up()
    page.wait_for_timeout(300)
    inked = page.evaluate("""() => { const c = document.querySelector('#notescanvas canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""")
    assert inked > 300
    page.screenshot(path=str(screenshot_dir / "rise_pen.png"))
    page.keyboard.press("]")
    page.keyboard.press("[")
    page.wait_for_timeout(500)
    assert page.evaluate("getComputedStyle(document.querySelector('#chalkboard')).visibility") \
        == "visible"
    page.close()


def test_rise_slideshow_advances_and_runs_a_demo_cell_and_never_touches_the_decks(
        presenter, browser, screenshot_dir, shared_root):
    root = shared_root
    import nbformat

    # a deck that is not in its committed form (as RISE or Jupyter leave one) stays as it is too
    other = root / "decks" / "D_seven_jobs.ipynb"
    nb = nbformat.read(str(other), as_version=4)
    nb.metadata["widgets"] = {"state": {}}
    nbformat.write(nb, str(other))
    before = {p.name: p.read_bytes() for p in (root / "decks").iterdir()}
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(presenter.url)
    page.wait_for_selector(".reveal .slides section.present", timeout=90000)
    page.wait_for_timeout(1500)
    page.keyboard.press("Space")
    page.keyboard.press("Space")
    page.wait_for_function("document.querySelector('.reveal .slides section.present')"
                           ".innerText.toUpperCase().includes('FORWARD PASS')", timeout=20000)
    page.click(".reveal .slides section.present .jp-CodeCell .jp-InputArea-editor")
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Enter")
    page.wait_for_function("document.querySelector('.reveal').innerText"
                           ".includes('(4, 5) (4, 2)')", timeout=90000)
    page.screenshot(path=str(screenshot_dir / "rise_live.png"))
    page.close()
    port = presenter.port
    presenter.stop()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # server (and its kernels) gone
    assert {p.name: p.read_bytes() for p in (root / "decks").iterdir()} == before



# -- the live room: recorded outputs, the safety net, the live contact sheet -----------------

@pytest.fixture(scope="module")
def built_root(repo_build):
    return repo_build[0]


def _open_rise(browser, url, size=(1280, 720)):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(url)
    page.wait_for_selector(".reveal .slides section.present", timeout=120000)
    page.wait_for_timeout(1500)
    return page


def _go_to(page, title: str, back: bool = False):
    from deckkit.commands.contact_live import CURRENT

    for _ in range(60):
        if title in page.evaluate(CURRENT)["title"]:
            return
        page.keyboard.press("Escape")
        page.keyboard.press("PageUp" if back else "Space")
        page.wait_for_timeout(150)
    raise AssertionError(f"no slide titled {title!r}")


@pytest.fixture(scope="module")
def presenting_f(chromium_path, built_root):
    """Section F presented once for the two tests below, in their order: the first runs
    nothing, the second kills the kernel."""
    pytest.importorskip("jupyterlab_rise", reason="jupyterlab-rise is not installed")
    presenter = Presenter(Project(built_root), "F")
    presenter.start()
    yield presenter
    presenter.stop()


def test_before_anything_runs_the_race_slide_shows_its_recorded_table_and_chart(
        presenting_f, browser, screenshot_dir):
    presenter = presenting_f
    page = _open_rise(browser, presenter.url)
    _go_to(page, "Where the time goes")
    slide = "[data-deckkit-current]"
    # JupyterLab renders outputs as it gets to them: wait (a loaded machine is slower),
    # and fail if they never show
    page.locator(f"{slide} table.deckkit-demo").wait_for(state="visible", timeout=20000)
    chart = page.locator(f"{slide} img.deckkit-chart").first
    chart.wait_for(state="visible", timeout=10000)
    assert chart.evaluate("i => i.naturalWidth") > 300
    badge = page.locator(f"{slide} .deckkit-badge-recorded")
    badge.wait_for(state="visible", timeout=10000)
    assert badge.inner_text().startswith("recorded ")
    # nothing ran: the kernel has executed no cell of the deck
    prompts = page.evaluate("() => [...document.querySelectorAll('.jp-InputPrompt')]"
                            ".map(p => p.textContent.trim())")
    assert all("*" not in p for p in prompts)
    page.screenshot(path=str(screenshot_dir / "rise_recorded_race.png"))
    page.close()


def test_a_dead_kernel_puts_the_recorded_output_back_within_a_second_and_no_dialog(
        presenting_f, browser, screenshot_dir):
    """The presenter runs a demo live, the kernel dies (killed here, as a crash would), the
    next demo is run: its recorded output is on the slide within 1 s, marked "recorded",
    the failure is named to the presenter (live.log, printed by `deckkit present`), the room
    never sees JupyterLab's "Kernel Restarting" dialog, and once Jupyter has restarted the
    kernel a self-contained demo runs live again."""
    import time

    import psutil

    from deckkit.commands.contact_live import CELL_STATE

    presenter = presenting_f
    page = _open_rise(browser, presenter.url)
    slide = "[data-deckkit-current]"

    def run_here():
        """Run the current slide's code cell as a presenter does: click it, Ctrl+Enter."""
        page.evaluate("() => document.querySelectorAll('[data-deckkit-current] "
                      ".deckkit-badge').forEach(b => b.setAttribute('data-deckkit-seen', ''))")
        cell = page.locator(f"{slide} .jp-CodeCell:not(.reveal-skip)").first
        target = cell.locator(".jp-Cell-outputWrapper")
        (target if target.count() and target.first.is_visible() else cell).first.click(
            position={"x": 5, "y": 5})
        page.keyboard.press("Escape")
        started = time.monotonic()
        page.keyboard.press("Control+Enter")
        page.wait_for_function(
            "() => document.querySelectorAll('[data-deckkit-current] "
            ".deckkit-badge:not([data-deckkit-seen])').length > 0", timeout=90000)
        return time.monotonic() - started, page.evaluate(CELL_STATE, [0])

    _go_to(page, "Vectorisation: measured, not claimed")
    _, state = run_here()
    assert state["live"]                       # the kernel ran it
    presenter.live_log.new_lines()
    kernels = [p for p in psutil.Process(presenter.proc.pid).children(recursive=True)
               if "ipykernel" in " ".join(p.cmdline())]
    assert len(kernels) == 1
    kernels[0].kill()
    kernels[0].wait(10)
    _go_to(page, "Where the time goes")
    seconds, state = run_here()
    assert seconds < 1.0, f"the recorded output took {seconds:.2f} s to come back"
    assert not state["live"] and state["fresh"]
    page.locator(f"{slide} table.deckkit-demo").wait_for(state="visible", timeout=2000)
    badge = page.locator(f"{slide} .deckkit-badge-recorded").last
    assert badge.inner_text().startswith("recorded ")
    said = presenter.live_log.new_lines()
    # named as it was when the demo ran: dead, or restarting once Jupyter has seen it
    assert any(("the kernel died" in line or "the kernel is restarting" in line)
               and "the room sees its recorded output" in line for line in said), said
    # Jupyter restarts the kernel (it notices within 3 s): no dialog covers the slide
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any("is back" in line for line in said):
        page.wait_for_timeout(250)
        said += presenter.live_log.new_lines()
    page.wait_for_timeout(1000)
    assert page.locator(".jp-Dialog").count() == 0
    page.screenshot(path=str(screenshot_dir / "rise_dead_kernel.png"))
    # the restarted kernel runs a self-contained demo live again
    _go_to(page, "Vectorisation: measured, not claimed", back=True)
    _, state = run_here()
    assert state["live"], said
    page.close()
