"""`deckkit present`: JupyterLab with jupyterlab-rise on 127.0.0.1 behind a token, opened
straight into the RISE slideshow of one section or the whole session, with the speaker notes
in RISE's notes window.  RISE shows a generated copy under build/present/, so saving in the
slideshow never touches decks/; Ctrl-C shuts the server and its kernels down."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import DeckError, need_module
from ..execution.processes import stop_tree
from ..model.committed import rise_settings
from ..model.project import Project
from ..steps.merge import merge_session
from .live_room import LIVE_LAYOUT, LiveLog, Recorded, recorded_deck, server_env, write_room


def open_privately(url: str) -> Path:
    """Open ``url`` in the presenter's browser without putting it on the browser's command
    line, where any local user reads it (``ps``): the browser is given a file, readable by the
    presenter alone, that forwards to ``url`` — what Jupyter's own file URLs do.  The browser
    starts in a thread of its own, so a BROWSER that waits cannot hold presenting up.  Returns
    the private folder holding the file (remove it when done)."""
    import html

    folder = Path(tempfile.mkdtemp(prefix="deckkit-open-"))  # 0700: the presenter's only
    page = folder / "open-slideshow.html"
    fd = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(f'<!DOCTYPE html><meta charset="utf-8"><title>Opening the slideshow</title>'
                 f'<meta http-equiv="refresh" content="0;url={html.escape(url)}">'
                 f'<p><a href="{html.escape(url)}">Open the slideshow</a></p>\n')
    threading.Thread(target=webbrowser.open, args=(page.as_uri(),), daemon=True).start()
    return folder


def private_log(path: Path):
    """``path`` opened for writing, readable by its owner alone: the server's log shows its
    URL with the token."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)  # a log left by an earlier run may have other modes
    return os.fdopen(fd, "w", encoding="utf-8", newline="\n")


def claim_room(folder: Path) -> Path:
    """Claim build/present/ for this process: two `deckkit present`s of one project would
    write one presented copy and one server log.  A claim whose process has ended is taken
    over; returns the claim's file (remove it when done)."""
    import psutil

    folder.mkdir(parents=True, exist_ok=True)
    claim = folder / ".presenting"
    for _ in range(2):
        try:
            fd = os.open(claim, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            text = claim.read_text(encoding="utf-8", errors="replace").strip()
            pid = int(text) if text.isdigit() else None
            if pid is not None and pid != os.getpid() and psutil.pid_exists(pid):
                raise DeckError(f"another `deckkit present` of this project is running "
                                f"(process {pid})", where=str(folder),
                                fix="present from that one, or stop it (Ctrl-C in its "
                                "terminal) first") from None
            claim.unlink(missing_ok=True)  # its process is gone: the claim is stale
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(str(os.getpid()))
        return claim
    raise DeckError("cannot claim the presented folder", where=str(folder),
                    fix="remove build/present/.presenting and try again")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_presented_copy(project: Project, section: str | None) -> Path:
    """Write build/present/<deck>.ipynb for one section (build/present/session.ipynb for the
    whole session), with its recorded outputs and safety net (live_room.py), and return its
    path."""
    return prepare_room(project, section)[0]


def prepare_room(project: Project, section: str | None) -> tuple[Path, list[str]]:
    """The presented folder for a section or the session: (the notebook, what has no
    recorded outputs and why)."""
    resolved = project.resolve()
    session = resolved.session
    if not section or section.lower() == "session":
        decks = [recorded_deck(project, r) for r in resolved.records]
        nb = merge_session([d.nb for d in decks], session.title)
        nb.metadata["rise"] = rise_settings(session.title)
        deck = Recorded(nb, {k: v for d in decks for k, v in d.cells.items()},
                        [s for d in decks for s in d.setup], [m for d in decks for m in d.missing])
        name, title = "session", session.title
    else:
        s = session.section(section)
        record = resolved.record(s.letter)
        if record is None:
            raise DeckError(f"section {s.label} has no deck yet", where=f"decks/{s.stem}.ipynb",
                            fix="create it, or present another section")
        deck, name, title = recorded_deck(project, record), s.stem, s.label
    deck.nb.metadata["rise"] = {**deck.nb.metadata.get("rise", {}), **LIVE_LAYOUT}
    return write_room(project, name, deck, title), deck.missing


def ensure_port_free(port: int) -> None:
    """A taken port is reported at once (Jupyter would otherwise move to another port)."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise DeckError(f"port {port} on 127.0.0.1 is taken",
                            fix="choose another --port, or leave --port out to use a free one"
                            ) from None


def server_command(project: Project, port: int) -> list[str]:
    """The server's command line.  It holds no secret: the token travels in the environment
    (JUPYTER_TOKEN), so `ps` does not show it to other users."""
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={project.root}",
           "--ServerApp.open_browser=False",
           # a dead kernel's demos answered from the recordings, no dialog (deckkit.live_socket)
           "--ServerApp.kernel_websocket_connection_class="
           "deckkit.live_socket.SafetyNetConnection"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # lets root start the server; the token still guards it
    return cmd


def wait_ready(port: int, token: str, proc, timeout: float = 60) -> None:
    url = f"http://127.0.0.1:{port}/api/status?token={token}"
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise DeckError("JupyterLab exited while starting", where=_log_hint(),
                            fix="is jupyterlab installed? (pip install 'deckkit[present]' or "
                            "bash scripts/setup.sh)")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                json.load(r)
                return
        except OSError:
            time.sleep(0.3)
    raise DeckError(f"JupyterLab did not answer on 127.0.0.1:{port} within {timeout:.0f} s",
                    where=_log_hint(), fix="look at the log for the reason; another --port may help")


def _log_hint() -> str:
    return "build/present/jupyter.log"


class Presenter:
    """A running JupyterLab serving one slideshow; stop() shuts it and its kernels down."""

    def __init__(self, project: Project, section: str | None = None, port: int | None = None):
        need_module("jupyterlab_rise", "presenting", "pip install jupyterlab jupyterlab-rise "
                    "(or bash scripts/setup.sh)")
        self.project = project
        if port:
            ensure_port_free(port)
        self.claim = claim_room(project.layout.present_dir)  # before the room is written
        try:
            self.notebook, self.missing = prepare_room(project, section)
        except BaseException:
            self.claim.unlink(missing_ok=True)
            raise
        self.port = port or free_port()
        self.token = secrets.token_urlsafe(24)
        rel = self.notebook.resolve().relative_to(project.root.resolve()).as_posix()
        self.url = f"http://127.0.0.1:{self.port}/rise/{rel}?token={self.token}"
        self.log = project.layout.present_log
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.proc = None

    def start(self) -> str:
        env = dict(os.environ, JUPYTER_TOKEN=self.token, **server_env(self.project),
                   DECKKIT_NOTEBOOK=self.notebook.name)
        self.live_log = LiveLog(self.project.layout.present_dir)
        self.live_log.reset()
        with private_log(self.log) as log:
            self.proc = subprocess.Popen(server_command(self.project, self.port), env=env,
                                         stdout=log, stderr=subprocess.STDOUT,
                                         cwd=self.project.root, start_new_session=True)
        wait_ready(self.port, self.token, self.proc)
        return self.url

    def stop(self) -> None:
        """Shut the server and every kernel down (SIGTERM lets Jupyter stop its kernels).
        Presenting only ever wrote the copy under build/present/: decks/ is not touched."""
        self.claim.unlink(missing_ok=True)
        if self.proc is not None:  # the kernels too: whatever the server started
            stop_tree(self.proc, polite=20)


@dataclass
class PresentResult:
    url: str
    notebook: Path
    interrupted: bool      # stopped with Ctrl-C (the usual way) rather than the server exiting
    server_status: int | None


def present(project: Project, section: str | None, port: int | None, open_browser: bool,
            say: Callable[[str], None] = print) -> PresentResult:
    """Run the slideshow until Ctrl-C, SIGTERM or SIGHUP (a closed terminal), or until the
    server exits; every way out stops the server and its kernels."""
    presenter = Presenter(project, section, port)
    say(f"starting JupyterLab on 127.0.0.1:{presenter.port} (log: {presenter.log})")
    interrupted, opener = False, None
    with _signals_as_interrupts():
        try:
            url = presenter.start()
            warming = _preflight(presenter, say)
            say(f"slideshow at {url}")
            say("in the slideshow: Space/arrows move, Shift+Enter runs a cell, , hides buttons;"
                " Ctrl-C here stops the server")
            if open_browser:
                opener = open_privately(url)
            while presenter.proc.poll() is None:
                for line in presenter.live_log.new_lines():
                    say(line)
                if warming is not None and (check := warming.warmed(0)) is not None:
                    say(str(check))
                    say(_verdict(warming.problems, check))
                    warming = None
                time.sleep(0.3)
        except KeyboardInterrupt:
            interrupted = True
            say("shutting down the server and its kernels")
        finally:
            presenter.stop()
            if opener is not None:
                shutil.rmtree(opener, ignore_errors=True)
    return PresentResult(presenter.url, presenter.notebook, interrupted,
                         presenter.proc.returncode if presenter.proc else None)


def _preflight(presenter: Presenter, say: Callable[[str], None]):
    """Print the preflight's screen; returns it while the compile cache is still warming."""
    from .preflight import Preflight

    preflight = Preflight(presenter.project, presenter.notebook, presenter.missing)
    say(f"preflight for {presenter.notebook.name}:")
    checks = preflight.run()
    for check in checks:
        say(str(check))
    warming = next((c for c in checks if c.ok is None), None)
    say(_verdict(preflight.problems, warming))
    return preflight if warming is not None else None


def _verdict(problems: int, compile_check) -> str:
    if compile_check is not None and compile_check.ok is None:
        return (f"preflight: {problems} problem(s) above; " if problems else "preflight: ready "
                "but ") + "the compile cache is warming (a line follows when it is warm)"
    if compile_check is not None and compile_check.ok is False:
        return ("preflight: the compile cells compile when run, and their recorded output is "
                "the safety net" + (f"; {problems} other problem(s) above" if problems else ""))
    if problems:
        return (f"preflight: {problems} problem(s) above, each saying what to do; the slideshow "
                "is open")
    return "preflight: ready"


def stop_signals(module=signal) -> tuple:
    """The signals that end presenting besides Ctrl-C, as this system has them: SIGTERM; SIGHUP
    (a closed terminal) on POSIX; SIGBREAK (Ctrl-Break) on Windows."""
    return tuple(getattr(module, name) for name in ("SIGTERM", "SIGHUP", "SIGBREAK")
                 if hasattr(module, name))


@contextlib.contextmanager
def _signals_as_interrupts():
    """SIGTERM and SIGHUP end presenting the way Ctrl-C does (main thread only).  Ctrl-C's own
    SIGINT is caught here too: a process started in the background by a script begins with
    SIGINT ignored, and Python then raises no KeyboardInterrupt for it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, *stop_signals())}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
