"""`deckkit preview [SECTION]`: build, serve build/html on 127.0.0.1, watch the sources and, on
each save, rebuild what changed (the execution cache keeps unchanged decks from running again)
and reload the open page on the slide it was showing (reveal.js keeps it in the URL's hash).

A save that breaks a deck shows the findings (deck, cell, fix) over the page and in the
terminal; the last good pages stay in place, because a build with findings exports nothing.
A kernel is kept warm (started, the deck's imports done) for the deck being edited, so a code
edit costs its cells' time, not a kernel start.  Ctrl-C, SIGTERM and SIGHUP stop the watcher,
the server and that kernel; the kernels a build starts end with that build."""

from __future__ import annotations

import json
import secrets
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from ..errors import DeckError, internal_error
from ..execution.fork import KernelFork
from ..execution.kernel import Kernel, imported_modules, needs_kernel
from ..execution.parallel import start_fork
from ..model.layout import write_atomic
from ..model.project import Project
from ..model.slides import slide_key
from ..output.export import TEMPLATE
from ..pipeline import BuildOptions
from .build import build_project
from .present import _signals_as_interrupts

EVENTS = "/__deckkit/events"
REHEARSAL = "/__deckkit/rehearsal"
FLUSH_MS = 5000
# Who the server answers: the presenter's own browser on this machine.  A request whose Host is
# another name (a web page's DNS rebinding) is refused, and so is a POST without this origin or
# without the run's secret, which only the served pages carry.
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
MAX_BODY = 100_000     # bytes of a rehearsal report (a few hundred slide keys)
IDLE_TIMEOUT = 60      # seconds a connection may send nothing before it is closed


@lru_cache(maxsize=1)
def client_script() -> str:
    """templates/deckkit/preview-client.js, inlined into the pages the preview serves."""
    return (TEMPLATE / "preview-client.js").read_text(encoding="utf-8")


@dataclass
class State:
    """What the browser is told: the version of the last good build, and the findings of the
    last save when it did not build."""

    version: int = 0
    problems: list[str] = field(default_factory=list)
    problems_version: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)
    closing: bool = False
    rehearsal_path: Path | None = None                        # where this rehearsal is saved
    rehearsed: dict[str, float] = field(default_factory=dict)  # slide key -> seconds
    keys: frozenset[str] = frozenset()   # the slide keys of the decks as last read
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(18))

    def rehearse(self, spent: dict[str, float]) -> None:
        """Add a page's report to this preview's rehearsal and save it (one file per day); a
        key that names no slide of the decks is left out."""
        with self.changed:
            for key, seconds in spent.items():
                if key not in self.keys:
                    continue
                self.rehearsed[key] = round(self.rehearsed.get(key, 0.0) + seconds, 1)
            if self.rehearsal_path is not None:
                day = self.rehearsal_path.stem.removeprefix("rehearsal-")
                write_atomic(self.rehearsal_path, json.dumps(
                    {"day": day, "slides": self.rehearsed}, indent=1, sort_keys=True))

    def built(self) -> None:
        with self.changed:
            self.version += 1
            self.problems = []
            self.changed.notify_all()

    def failed(self, problems: list[str]) -> None:
        with self.changed:
            self.problems = problems
            self.problems_version += 1
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()


class _Handler(SimpleHTTPRequestHandler):
    """build/html as files, each page with the reload client; the event stream for it; the
    rehearsal reports.  Only for the presenter: see LOCAL_NAMES."""

    timeout = IDLE_TIMEOUT

    def __init__(self, *args, state: State, **kwargs):
        self.state = state
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):  # noqa: A002 (the base class names it so)
        pass

    def _hosts(self) -> set[str]:
        port = self.server.server_address[1]
        return {f"{name}:{port}" for name in LOCAL_NAMES}

    def _refused(self) -> bool:
        """Refuse (403) a request addressed to any other host name; True when refused."""
        if self.headers.get("Host", "") in self._hosts():
            return False
        self.send_error(HTTPStatus.FORBIDDEN, "deckkit preview answers only 127.0.0.1 and "
                        "localhost")
        return True

    def _inside(self, path: str) -> Path | None:
        """The file a URL path names, when it lies inside build/html (a link out is not)."""
        try:
            target = Path(self.translate_path(path)).resolve()
            root = Path(self.directory).resolve()
            return target if target == root or root in target.parents else None
        except (ValueError, OSError):  # a NUL byte in the path, a loop of links
            return None

    def do_GET(self):  # noqa: N802
        if self._refused():
            return None
        path = self.path.split("?", 1)[0]
        if path == EVENTS:
            return self._events()
        if path.endswith(".html"):
            return self._page(path)
        return super().do_GET()

    def do_HEAD(self):  # noqa: N802
        if not self._refused():
            super().do_HEAD()

    def send_head(self):
        if self._inside(self.path.split("?", 1)[0]) is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND, "no listings")
        return None

    def do_POST(self):  # noqa: N802
        if self._refused():
            return None
        path, _, query = self.path.partition("?")
        if path != REHEARSAL:
            return self.send_error(HTTPStatus.NOT_FOUND)
        origin = self.headers.get("Origin", "")
        if (origin not in {f"http://{host}" for host in self._hosts()}
                or parse_qs(query).get("secret") != [self.state.secret]):
            return self.send_error(HTTPStatus.FORBIDDEN, "only the preview's own pages report")
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            return self.send_error(HTTPStatus.LENGTH_REQUIRED)
        if int(length) > MAX_BODY:
            return self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            report = json.loads(self.rfile.read(int(length)) or b"{}")
            spent = {str(k): float(v) for k, v in report.items()
                     if isinstance(v, (int, float)) and 0 <= v <= 3600}
        except (ValueError, AttributeError, RecursionError):
            return self.send_error(HTTPStatus.BAD_REQUEST, "a JSON object of seconds per key")
        self.state.rehearse(spent)
        self.send_response(HTTPStatus.NO_CONTENT)
        self.end_headers()

    def _page(self, path: str) -> None:
        target = self._inside(path)
        if target is None or not target.is_file():
            return self.send_error(HTTPStatus.NOT_FOUND, "not built (yet)")
        try:
            text = target.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # not a page deckkit wrote: served as it is
            return super().do_GET()
        config = json.dumps({"version": self.state.version, "events": EVENTS,
                             "rehearsal": f"{REHEARSAL}?secret={self.state.secret}",
                             "every": FLUSH_MS})
        client = (f"<script>window.deckkitPreview = {config};</script>\n"
                  f"<script>\n{client_script()}</script>\n")
        text = text.replace("</body>", client + "</body>", 1) if "</body>" in text else text + client
        body = text.encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        query = self.path.partition("?")[2]
        since = next((int(v) for k, _, v in (p.partition("=") for p in query.split("&"))
                      if k == "since" and v.isdigit()), 0)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        shown_problems = 0
        state = self.state
        try:
            while True:
                with state.changed:
                    if not state.closing and state.version <= since and (
                            not state.problems or state.problems_version == shown_problems):
                        state.changed.wait(timeout=15)
                    if state.closing:
                        return
                    version, problems = state.version, list(state.problems)
                    problems_version = state.problems_version
                if version > since:
                    self._send("reload", str(version))
                    return
                if problems and problems_version != shown_problems:
                    self._send("problems", json.dumps(problems))
                    shown_problems = problems_version
                else:
                    self.wfile.write(b": still here\n\n")  # keeps the connection open
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def _send(self, event: str, data: str) -> None:
        self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
        self.wfile.flush()


def slide_keys(resolved) -> frozenset[str]:
    """Every slide key of the decks: what a rehearsal report may name."""
    return frozenset(key for record in resolved.records for cell in record.nb.cells
                     if (key := slide_key(cell)))


@dataclass
class WarmKernel:
    deck: str       # the deck it was started for (its imports are done)
    env: dict
    kernel: Kernel


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
        session_page = "session"
        if section:
            letter = project.resolve().session.section(section).letter
            record = next((r for r in project.resolve().records if r.section.letter == letter),
                          None)
            if record is None:
                raise DeckError(f"section {letter} has no deck yet", fix="build another section")
            session_page = record.name
        self.page = f"{session_page}.slides.html"
        self.state = State(rehearsal_path=project.layout.rehearsal(time.strftime("%Y-%m-%d")))
        self.stop_event = threading.Event()
        html_dir = project.layout.html_dir()
        html_dir.mkdir(parents=True, exist_ok=True)
        handler = partial(_Handler, directory=str(html_dir), state=self.state)
        try:
            self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError as exc:
            raise DeckError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror})",
                            fix="pass another --port, or 0 for any free one") from None
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.section_deck = None if self.whole_session else session_page
        self.warm: WarmKernel | None = None
        # the deck being edited, and the process its warm kernels are forked from (its imports
        # done once: each code edit then gets a fresh kernel at once, and ends it at once)
        self.fork: tuple[str, KernelFork | None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{self.page}"

    def rebuild(self, reason: str = "") -> bool:
        """Build; True when it built without findings (the page then reloads)."""
        start = time.perf_counter()
        asked: list = []
        try:
            options = BuildOptions(session_page=self.whole_session,
                                   kernels=lambda job, env: self._warm_kernel(job, env, asked))
            result = self._build(self.project, options, progress=lambda m: None)
            problems = [str(f) for f in result.findings if f.severity == "error"]
            warnings = [str(f) for f in result.findings if f.severity != "error"]
            if result.resolved is not None:
                self.state.keys = slide_keys(result.resolved)
        except DeckError as exc:
            problems, warnings = [str(exc)], []
        except Exception as exc:  # a bug must not end the watch: it is shown like a finding
            problems, warnings = [internal_error(exc, "the preview keeps watching; save again "
                                                 "after a fix, and report it")], []
        try:
            self._keep_warm(asked)
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

    def _warm_kernel(self, job, env: dict, asked: list):
        """The build asks for ``job``'s kernel: the warm one when it was kept for this deck."""
        asked.append(job)
        warm = self.warm
        if warm is not None and warm.deck == job.name and warm.env == env:
            self.warm = None
            return warm.kernel
        return None

    def _keep_warm(self, asked: list) -> None:
        """Keep a kernel started (imports done) for the deck being edited: the section's deck,
        or the one deck this save re-executed, so the next code edit pays only its cells."""
        deck = self.section_deck or (asked[0].name if len(asked) == 1 else None)
        if deck is None or (self.warm is not None and self.warm.deck == deck):
            return
        record = next((r for r in self.project.resolve().records if r.name == deck), None)
        if record is None or not needs_kernel(record.nb):
            return
        self.close_warm()
        if self.fork is None or self.fork[0] != deck:
            self._close_fork()
            self.fork = (deck, start_fork([record.nb], {}, least=1))
        self.warm = WarmKernel(deck, {}, Kernel(record.deck.path.parent, {},
                                               imported_modules(record.nb), fork=self.fork[1]))

    def close_warm(self) -> None:
        warm, self.warm = self.warm, None
        if warm is not None:
            warm.kernel.close()

    def _close_fork(self) -> None:
        deck_fork, self.fork = self.fork, None
        if deck_fork is not None and deck_fork[1] is not None:
            deck_fork[1].close()

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
        self.close_warm()
        self._close_fork()
        self.state.close()
        if self.thread.is_alive():  # shutdown() waits for serve_forever: only once it runs
            self.server.shutdown()
        self.server.server_close()


def preview(project: Project, section: str | None, port: int, open_browser: bool,
            say: Callable[[str], None] = print) -> None:
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        raise DeckError("deckkit preview watches files with watchfiles",
                        fix="pip install watchfiles (or bash scripts/setup.sh)") from None
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
