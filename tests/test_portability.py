"""The other systems instructors present from, simulated here: no SIGHUP or process groups
(Windows), pipes select() cannot wait on (Windows), no fork (macOS, Windows), Chrome or Edge
where their installers put them, and text written with \\r\\n unless told otherwise."""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from deckkit.commands import present as present_module
from deckkit.errors import DeckError
from deckkit.model.layout import write_atomic
from deckkit.output import browser


def nothing_on_path(name):
    return None


def test_chrome_is_found_where_macos_installs_it_and_the_fix_names_brew():
    chrome = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
    assert browser.find_chromium("darwin", env={"HOME": "/Users/ada"}, which=nothing_on_path,
                                 exists=lambda p: p == chrome) == chrome
    with pytest.raises(DeckError) as caught:
        browser.find_chromium("darwin", env={"HOME": "/Users/ada"}, which=nothing_on_path,
                              exists=lambda p: False)
    assert "brew install --cask chromium" in caught.value.fix
    assert "apt-get" not in caught.value.fix


def test_on_linux_chromiums_headless_shell_renders_where_it_is_installed():
    both = {"chromium": "/usr/bin/chromium",
            "chromium-headless-shell": "/usr/bin/chromium-headless-shell"}
    assert browser.find_chromium("linux", env={}, which=both.get) == \
        "/usr/bin/chromium-headless-shell"
    only = {"chromium": "/usr/bin/chromium"}
    assert browser.find_chromium("linux", env={}, which=only.get) == "/usr/bin/chromium"
    chosen = {"DECKKIT_BROWSER": "/opt/chrome/chrome"}   # the presenter's choice wins
    assert browser.find_chromium("linux", env=chosen, which=both.get,
                                 exists=lambda p: True) == "/opt/chrome/chrome"
    with pytest.raises(DeckError) as caught:
        browser.find_chromium("linux", env={}, which=nothing_on_path, exists=lambda p: False)
    assert "apt-get install -y chromium" in caught.value.fix
    assert "chromium-headless-shell" in caught.value.fix


def test_edge_is_found_where_windows_installs_it_and_the_fix_is_for_windows():
    env = {"PROGRAMFILES": r"C:\Program Files", "PROGRAMFILES(X86)": r"C:\Program Files (x86)",
           "LOCALAPPDATA": r"C:\Users\ada\AppData\Local"}
    edge = r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe"
    assert browser.find_chromium("win32", env=env, which=nothing_on_path,
                                 exists=lambda p: p == edge) == edge
    with pytest.raises(DeckError) as caught:
        browser.find_chromium("win32", env=env, which=nothing_on_path, exists=lambda p: False)
    assert "Microsoft Edge" in caught.value.fix and "apt-get" not in caught.value.fix


def test_deckkit_browser_names_the_browser_and_a_wrong_one_says_so(tmp_path):
    chosen = tmp_path / "my-chrome"
    chosen.write_text("")
    assert browser.find_chromium(env={"DECKKIT_BROWSER": str(chosen)}) == str(chosen)
    with pytest.raises(DeckError, match="DECKKIT_BROWSER names"):
        browser.find_chromium(env={"DECKKIT_BROWSER": str(tmp_path / "none")})


def test_presenting_stops_on_sigterm_where_there_is_no_sighup(monkeypatch):
    monkeypatch.delattr(signal, "SIGHUP")
    assert present_module.stop_signals() == (signal.SIGTERM,)
    with pytest.raises(KeyboardInterrupt):
        with present_module._signals_as_interrupts():
            os.kill(os.getpid(), signal.SIGTERM)  # the handler raises before the next line


def test_a_server_is_killed_where_there_are_no_process_groups(monkeypatch):
    from deckkit.execution.processes import kill_group

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    monkeypatch.delattr(os, "killpg")
    kill_group(proc)
    assert proc.returncode is not None


def test_a_server_that_ignores_sigterm_is_stopped_with_what_it_started(tmp_path):
    """present's shutdown: SIGTERM, then the group killed, and a child in a session of its own
    (as a kernel is) stopped too."""
    import psutil

    from deckkit.execution.processes import stop_tree

    script = ("import signal, subprocess, sys, time\n"
              "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
              "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],"
              " start_new_session=True)\n"
              "print(child.pid, flush=True)\n"
              "time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    child = int(proc.stdout.readline())
    stop_tree(proc, polite=0.5, settle=0.5, grace=1)
    assert proc.returncode is not None
    with contextlib.suppress(psutil.NoSuchProcess):
        psutil.Process(child).wait(timeout=5)   # the kill lands (it is not our child to reap)
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE


def test_diagrams_render_where_select_cannot_wait_on_a_pipe(monkeypatch, tmp_path):
    import select

    from deckkit.steps import mermaid

    def windows_select(*args, **kwargs):
        raise OSError(10038, "An operation was attempted on something that is not a socket")

    monkeypatch.setattr(select, "select", windows_select)
    worker = mermaid._Worker()
    try:
        svg = mermaid.render_svg("flowchart LR\n  A[portable] --> B[diagram]", tmp_path,
                                 renderer=worker)
    finally:
        worker.stop()
    assert svg.startswith("<svg") and "portable" in svg


def test_text_is_written_with_lf_where_the_system_writes_crlf(monkeypatch, tmp_path):
    real = Path.write_text

    def windows_write_text(self, data, encoding=None, errors=None, newline=None):
        if newline is None:  # what Windows does: "\n" becomes os.linesep, "\r\n" there
            data = data.replace("\n", "\r\n")
        return real(self, data, encoding=encoding, errors=errors, newline="")

    monkeypatch.setattr(Path, "write_text", windows_write_text)
    path = write_atomic(tmp_path / "deck.ipynb", '{\n "cells": []\n}\n')
    assert path.read_bytes() == b'{\n "cells": []\n}\n'


@pytest.mark.slow
def test_a_build_runs_its_decks_where_kernels_cannot_be_forked(monkeypatch, tmp_path):
    from deckkit.commands.build import BuildOptions, build_project
    from deckkit.execution import fork, parallel
    from deckkit.model.project import Project
    from helper import good_decks, write_project

    monkeypatch.setattr(fork, "can_fork", lambda: False)
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    result = build_project(Project(write_project(tmp_path, good_decks())),
                           BuildOptions(use_cache=False))
    assert result.ok, result.findings
    assert "42" in (tmp_path / "build/html/A_hero.slides.html").read_text()
