"""`deckkit present`: JupyterLab with jupyterlab-rise on 127.0.0.1 behind a token, opened
straight into the RISE slideshow of one section or the whole session, with the speaker notes
in RISE's notes window.  RISE shows a generated copy under build/present/, so saving in the
slideshow never touches decks/; Ctrl-C shuts the server and its kernels down."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import webbrowser
from pathlib import Path

import nbformat

from .decks import read_deck
from .errors import DeckError
from .notes import read_notes
from .project import Project
from .session import Section
from .steps.clean import rise_settings
from .steps.notes import attach_notes
from .steps.session import merge_session


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def presented(project: Project, section: Section):
    """A section's deck as RISE shows it: with its speaker notes from speaker_notes/ as notes
    cells (RISE's speaker window shows them).  A generated copy, so notes are never copied
    into the sources and presenting never touches decks/."""
    path = project.decks_dir / f"{section.stem}.ipynb"
    if not path.exists():
        raise DeckError(f"section {section.label} has no deck yet ({path.name})")
    nb = read_deck(path).nb
    notes_path = project.notes_dir / f"{section.stem}.md"
    return attach_notes(nb, read_notes(notes_path)) if notes_path.exists() else nb


def target(project: Project, section: str | None) -> Path:
    """build/present/<deck>.ipynb for one section, build/present/session.ipynb for all."""
    from .export import write_text_atomic

    session = project.session()
    if not section or section.lower() == "session":
        parts = [(s, presented(project, s)) for s in session.sections
                 if (project.decks_dir / f"{s.stem}.ipynb").exists()]
        nb, name = merge_session(parts, session.title), "session"
        nb.metadata["rise"] = rise_settings(session.title)
    else:
        s = session.section(section)
        nb, name = presented(project, s), s.stem
    out = project.build_dir / "present" / f"{name}.ipynb"
    write_text_atomic(out, nbformat.writes(nb))
    return out


def server_command(project: Project, port: int, token: str) -> list[str]:
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", f"--ServerApp.root_dir={project.root}",
           f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # lets root start the server; the token still guards it
    return cmd


def wait_ready(port: int, token: str, proc, timeout: float = 60) -> None:
    url = f"http://127.0.0.1:{port}/api/status?token={token}"
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise DeckError("JupyterLab exited while starting; is jupyterlab installed? "
                            "(pip install 'deckkit[present]' or bash scripts/setup.sh)")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                json.load(r)
                return
        except OSError:
            time.sleep(0.3)
    raise DeckError(f"JupyterLab did not answer on 127.0.0.1:{port} within {timeout:.0f} s")


class Presenter:
    """A running JupyterLab serving one slideshow; stop() shuts it down and cleans the decks."""

    def __init__(self, project: Project, section: str | None = None, port: int | None = None):
        try:
            import jupyterlab_rise  # noqa: F401
        except ImportError:
            raise DeckError("presenting needs jupyterlab-rise: pip install jupyterlab "
                            "jupyterlab-rise (or bash scripts/setup.sh)") from None
        self.project = project
        self.notebook = target(project, section)
        self.port = port or free_port()
        self.token = secrets.token_urlsafe(24)
        rel = self.notebook.resolve().relative_to(project.root.resolve()).as_posix()
        self.url = f"http://127.0.0.1:{self.port}/rise/{rel}?token={self.token}"
        self.log = project.build_dir / "present" / "jupyter.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.proc = None

    def start(self) -> str:
        with open(self.log, "w", encoding="utf-8") as log:
            self.proc = subprocess.Popen(server_command(self.project, self.port, self.token),
                                         stdout=log, stderr=subprocess.STDOUT,
                                         cwd=self.project.root, start_new_session=True)
        wait_ready(self.port, self.token, self.proc)
        return self.url

    def stop(self) -> list[str]:
        """Shut the server and every kernel down (SIGTERM lets Jupyter stop its kernels), then
        put the decks back in their committed form."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.project.normalise_decks()


def present(project: Project, section: str | None, port: int | None, open_browser: bool,
            say=print) -> int:
    presenter = Presenter(project, section, port)
    say(f"deckkit: starting JupyterLab on 127.0.0.1:{presenter.port} (log: {presenter.log})")
    url = presenter.start()
    say(f"deckkit: slideshow at {url}")
    say("deckkit: in the slideshow: Space/arrows move, Shift+Enter runs a cell, , hides buttons;"
        " Ctrl-C here stops the server")
    if open_browser:
        webbrowser.open(url)
    try:
        presenter.proc.wait()
    except KeyboardInterrupt:
        say("deckkit: shutting down the server and its kernels")
    finally:
        for display in presenter.stop():
            say(f"deckkit: {display} was rewritten while presenting; restored its committed form")
    return 0
