"""The preview's web server: build/html as files on 127.0.0.1, each page with the reload
client (templates/deckkit/preview-client.js) put in; an event stream that tells the page when a
new build is there or what the last save broke; and the rehearsal reports (rehearsal.py).

It answers only the presenter's own browser on this machine: a request whose Host is another
name (a web page's DNS rebinding) is refused, and so is a report without this origin or without
the run's secret, which only the served pages carry.  No listings, no link out of build/html,
bounded bodies, idle connections closed."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache, partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from ...errors import DeckError
from ...output.export import TEMPLATE
from .rehearsal import MAX_BODY, BadReport, Rehearsal, parse_report

EVENTS = "/__deckkit/events"
REHEARSAL = "/__deckkit/rehearsal"
FLUSH_MS = 5000        # how often an open page reports its rehearsal
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
IDLE_TIMEOUT = 60      # seconds a connection may send nothing before it is closed


@lru_cache(maxsize=1)
def client_script() -> str:
    """templates/deckkit/preview-client.js, put into the pages the preview serves."""
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


class Handler(SimpleHTTPRequestHandler):
    """One request to the preview (see the module's docstring for whom it answers)."""

    timeout = IDLE_TIMEOUT

    def __init__(self, *args, state: State, rehearsal: Rehearsal, **kwargs):
        self.state, self.rehearsal = state, rehearsal
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
                or parse_qs(query).get("secret") != [self.rehearsal.secret]):
            return self.send_error(HTTPStatus.FORBIDDEN, "only the preview's own pages report")
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            return self.send_error(HTTPStatus.LENGTH_REQUIRED)
        if int(length) > MAX_BODY:
            return self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            spent = parse_report(self.rfile.read(int(length)))
        except BadReport as exc:
            return self.send_error(HTTPStatus.BAD_REQUEST, str(exc))
        self.rehearsal.record(spent)
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
                             "rehearsal": f"{REHEARSAL}?secret={self.rehearsal.secret}",
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


def serve(html_dir: Path, port: int, state: State, rehearsal: Rehearsal) -> ThreadingHTTPServer:
    """A server for ``html_dir`` on 127.0.0.1:``port`` (0: any free one), not yet serving."""
    handler = partial(Handler, directory=str(html_dir), state=state, rehearsal=rehearsal)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise DeckError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror})",
                        fix="pass another --port, or 0 for any free one") from None
    server.daemon_threads = True
    return server
