"""`deckkit preview [SECTION]`: build, serve build/html on 127.0.0.1, watch the sources and, on
each save, rebuild what changed (the execution cache keeps unchanged decks from running again)
and reload the open page on the slide it was showing (reveal.js keeps it in the URL's hash).

A save that breaks a deck shows the findings (deck, cell, fix) over the page and in the
terminal; the last good pages stay in place, because a build with findings exports nothing.
A rebuild that raises (a bug) is shown the same way, and the watch goes on.  Ctrl-C, SIGTERM
and SIGHUP stop the watcher, the server and the warm kernel; the kernels a build starts end
with that build.

    server.py     what the browser gets: pages with the reload client, events, reports
    rehearsal.py  seconds per slide while rehearsing, for the run sheet
    warm.py       a kernel kept warm for the deck being edited"""

from __future__ import annotations

import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from ...errors import DeckError, internal_error, need_module
from ...model.project import Project
from ...pipeline import BuildOptions
from ..build import build_project
from ..present import _signals_as_interrupts
from .rehearsal import Rehearsal, slide_keys
from .server import State, serve
from .warm import WarmKernels


def watched(project: Project) -> list[Path]:
    """What a save in means a rebuild: the decks (and session.toml, facts.toml), the notes, the
    figures."""
    return [p for p in (project.decks_dir, project.notes_dir, project.root / "figures")
            if p.exists()]


class Preview:
    def __init__(self, project: Project, section: str | None = None, port: int = 0,
                 say: Callable[[str], None] = print, build=build_project):
        self.project, self.say, self._build = project, say, build
        self.whole_session = not section
        page = "session"
        if section:
            resolved = project.resolve()
            letter = resolved.session.section(section).letter
            record = next((r for r in resolved.records if r.section.letter == letter), None)
            if record is None:
                raise DeckError(f"section {letter} has no deck yet", fix="build another section")
            page = record.name
        self.page = f"{page}.slides.html"
        self.state = State()
        self.rehearsal = Rehearsal(project.layout.rehearsal(time.strftime("%Y-%m-%d")))
        self.kernels = WarmKernels(None if self.whole_session else page)
        self.stop_event = threading.Event()
        html_dir = project.layout.html_dir()
        html_dir.mkdir(parents=True, exist_ok=True)
        self.server = serve(html_dir, port, self.state, self.rehearsal)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{self.page}"

    def rebuild(self, reason: str = "") -> bool:
        """Build; True when it built without findings (the page then reloads).  Nothing it
        meets ends the watch: a bug becomes a problem shown on the page."""
        start = time.perf_counter()
        resolved = None
        try:
            options = BuildOptions(session_page=self.whole_session, kernels=self.kernels.offer)
            result = self._build(self.project, options, progress=lambda m: None)
            problems = [str(f) for f in result.findings if f.severity == "error"]
            warnings = [str(f) for f in result.findings if f.severity != "error"]
            resolved = result.resolved
            if resolved is not None:
                self.rehearsal.keys = slide_keys(resolved)
        except DeckError as exc:
            problems, warnings = [str(exc)], []
        except Exception as exc:  # a bug must not end the watch: it is shown like a finding
            problems, warnings = [internal_error(exc, "the preview keeps watching; save again "
                                                 "after a fix, and report it")], []
        try:
            self.kernels.keep(resolved)  # the project as this build read it: not read again
        except Exception as exc:  # a warm kernel saves seconds; without one the next edit waits
            warnings.append(f"no kernel kept warm for the next edit ({type(exc).__name__}: "
                            f"{exc})")
        for line in problems + warnings:
            self.say(line)
        took = time.perf_counter() - start
        if problems:
            self.say(f"{reason}not built ({len(problems)} problem(s), {took:.1f} s); the page "
                     "keeps the last good slides and shows the problems")
            self.state.failed(problems)
            return False
        self.say(f"{reason}built in {took:.1f} s; reloading the page")
        self.state.built()
        return True

    def watch(self) -> None:
        from watchfiles import watch

        for changes in watch(*watched(self.project), stop_event=self.stop_event,
                             debounce=200, step=50, rust_timeout=500):
            names = sorted({Path(p).name for _, p in changes})
            self.rebuild(f"saved {', '.join(names)}: ")

    def start(self) -> str:
        self.thread.start()
        return self.url

    def stop(self) -> None:
        self.stop_event.set()
        self.kernels.close()
        self.state.close()
        if self.thread.is_alive():  # shutdown() waits for serve_forever: only once it runs
            self.server.shutdown()
        self.server.server_close()


def preview(project: Project, section: str | None, port: int, open_browser: bool,
            say: Callable[[str], None] = print) -> None:
    need_module("watchfiles", "deckkit preview (it watches the files)",
                "pip install watchfiles (or bash scripts/setup.sh)")
    p = Preview(project, section, port, say)
    with _signals_as_interrupts():
        try:
            p.rebuild("first build: ")
            url = p.start()
            say(f"previewing {url} — save a deck, a note or session.toml and the page reloads "
                "on the same slide; Ctrl-C stops")
            if open_browser:  # in a thread: a BROWSER that waits must not stop the watch
                threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
            p.watch()
        except KeyboardInterrupt:
            say("preview stopped")
        finally:
            p.stop()


__all__ = ["Preview", "preview"]
