"""Every way out of `present` and `preview` (Ctrl-C, SIGTERM, a closed terminal's SIGHUP) stops
what they started, tested in-process with the servers replaced; one end-to-end run of each
command is in test_present.py and test_preview.py."""

import os
import signal
import threading
import time

import pytest

from deckkit.commands import present as present_module
from deckkit.commands import preview as preview_module

SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"]


def _send_soon(name: str, after_s: float = 0.3) -> threading.Timer:
    timer = threading.Timer(after_s, os.kill, (os.getpid(), getattr(signal, name)))
    timer.start()
    return timer


class FakeProc:
    returncode = None

    def poll(self):
        return None


class FakePresenter:
    """What present() drives, without JupyterLab: a server that runs until stopped."""

    made: list = []

    def __init__(self, project, section, port=None):
        self.port, self.log, self.url, self.notebook = 8888, "log", "http://x/", "nb"
        self.proc, self.missing, self.stopped = FakeProc(), [], 0
        self.live_log = type("Log", (), {"new_lines": staticmethod(lambda: [])})()
        FakePresenter.made.append(self)

    def start(self):
        return self.url

    def stop(self):
        self.stopped += 1


@pytest.mark.parametrize("name", SIGNALS)
def test_present_stops_its_server_on_every_signal_and_restores_the_handlers(monkeypatch, name):
    monkeypatch.setattr(present_module, "Presenter", FakePresenter)
    monkeypatch.setattr(present_module, "_preflight", lambda presenter, say: None)
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    said = []
    timer = _send_soon(name)
    try:
        result = present_module.present(None, "C", None, False, say=said.append)
    finally:
        timer.cancel()
    assert result.interrupted and FakePresenter.made[-1].stopped == 1
    assert "shutting down the server and its kernels" in said
    assert {s: signal.getsignal(s) for s in before} == before


class FakePreview:
    made: list = []

    def __init__(self, project, section, port, say):
        self.say, self.stopped = say, 0
        FakePreview.made.append(self)

    def rebuild(self, prefix):
        pass

    def start(self):
        return "http://127.0.0.1:1/"

    def watch(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.05)
        raise AssertionError("the signal never arrived")

    def stop(self):
        self.stopped += 1


@pytest.mark.parametrize("name", SIGNALS)
def test_preview_stops_on_every_signal(monkeypatch, name):
    pytest.importorskip("watchfiles")
    monkeypatch.setattr(preview_module, "Preview", FakePreview)
    said = []
    timer = _send_soon(name)
    try:
        preview_module.preview(None, None, 0, False, say=said.append)
    finally:
        timer.cancel()
    assert said[-1] == "preview stopped" and FakePreview.made[-1].stopped == 1
