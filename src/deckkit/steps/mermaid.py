"""Render Mermaid fences in markdown cells to SVG at build time, with no browser or network.

mermaidx runs mermaid.js inside an embedded JS engine.  Each diagram becomes an <img> with an
SVG data URI: every mermaidx SVG uses the same element id, so inlining several would clash,
and an image renders the same on a hidden slide as on the current one.

Rendering runs in a worker process (``python -m deckkit.steps.mermaid``) that is reused for
every diagram and killed when one diagram takes longer than RENDER_TIMEOUT: a huge diagram is a
finding after a bounded wait, never a build that hangs.  A source over mermaid's own size limit
is a finding without rendering, and mermaid's error picture is never embedded.
"""

from __future__ import annotations

import atexit
import base64
import functools
import hashlib
import html
import io
import logging
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from .. import jsonlines, palette
from ..errors import DeckError, Finding, need_module
from ..model.layout import write_atomic

FENCE = re.compile(r"^```mermaid[ \t]*\n(.*?)\n```[ \t]*$", re.DOTALL | re.MULTILINE)
# Labels at 20 px and tight spacing: a diagram shown at slide width keeps its labels ≥ 18 px;
# colours and font from the deck's palette (no stock lavender boxes or yellow panels)
CONFIG = {"flowchart": {"htmlLabels": False, "rankSpacing": 32, "nodeSpacing": 28, "padding": 10,
                        "wrappingWidth": 560, "subGraphTitleMargin": {"top": 4, "bottom": 8}},
          **palette.mermaid_theme(20)}
# a flowchart may colour a node by its role: A:::gpu, B:::failing (palette.ROLES)
ROLE_CLASS = re.compile(r":::(\w+)")
RENDER_TIMEOUT = 30.0     # seconds for one diagram
MAX_TEXT_SIZE = 50_000    # characters: mermaid's own maxTextSize
ERROR_MARKS = ("Maximum text size in diagram exceeded", "Syntax error in text")


WALL_CAP = 4  # a diagram's wall time may reach this many times its CPU time limit


class DiagramError(Exception):
    """A diagram that cannot be drawn: its message says why, in words for the author."""


def _pump(stream, lines: queue.Queue) -> None:
    """Move a pipe's lines onto a queue, then "" for its end: a reader thread, because select()
    on a pipe works on POSIX only."""
    try:
        for line in stream:
            lines.put(line)
    except (OSError, ValueError):  # the pipe was closed under us: the worker was stopped
        pass
    lines.put("")


class _Worker:
    """One long-lived renderer process, restarted after a timeout."""

    def __init__(self):
        self.proc = None
        self.lines: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        atexit.register(self.stop)

    def _start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "deckkit.steps.mermaid"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        self.lines = queue.Queue()  # a new process, a new queue: nothing stale is read
        threading.Thread(target=_pump, args=(self.proc.stdout, self.lines), daemon=True,
                         name="mermaid-reader").start()

    def render(self, source: str, timeout: float) -> str:
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self._start()
            jsonlines.send(self.proc.stdin, {"source": source, "config": CONFIG})
            line = self._wait(timeout)
            if line is None:
                self.stop()
                raise DiagramError(f"took longer than {timeout:g} s to draw; split it into "
                                   "smaller diagrams")
            if not line:
                self.stop()
                raise DiagramError("the renderer stopped while drawing it")
            try:
                reply = jsonlines.parse(line)
            except ValueError as exc:
                self.stop()
                raise DiagramError(f"the renderer answered something else ({exc})") from None
            if "error" in reply:
                raise DiagramError(reply["error"])
            return reply["svg"]

    def _wait(self, timeout: float) -> str | None:
        """The reply line, waited for while the renderer has spent less than ``timeout``
        seconds of CPU on it (a build draws diagrams beside running decks, and a diagram kept
        waiting for a core is not a diagram too big to draw; wall time is capped at WALL_CAP×
        as well); "" when the renderer ended, None when it ran out of time."""
        import psutil

        try:
            process = psutil.Process(self.proc.pid)
            spent = sum(process.cpu_times()[:2])
        except psutil.Error:
            process = None
        deadline = time.monotonic() + WALL_CAP * timeout
        while time.monotonic() < deadline:
            try:
                return self.lines.get(timeout=min(1.0, timeout))
            except queue.Empty:
                pass
            try:
                if process is None or sum(process.cpu_times()[:2]) - spent > timeout:
                    return None
            except psutil.Error:
                pass  # it ended: its reader thread puts "" next
        return None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


_WORKER = _Worker()
_WORKERS: list[_Worker] = [_WORKER]


def worker(number: int) -> _Worker:
    """Renderer process ``number`` (0 is the one render_svg uses by default): a build draws
    with one per core."""
    while len(_WORKERS) <= number:
        _WORKERS.append(_Worker())
    return _WORKERS[number]


def render_svg(source: str, cache_dir: Path | None = None, timeout: float | None = None,
               progress=None, renderer: _Worker | None = None) -> str:
    """SVG text for one diagram; cached by content hash under ``cache_dir``.  Raises
    DiagramError for a diagram that is too big, too slow or broken."""
    mermaidx = need_module("mermaidx", "a Mermaid diagram", "pip install mermaidx")
    key = hashlib.sha256(f"{mermaidx.__version__}\n{CONFIG}\n{source}".encode()).hexdigest()
    cached = Path(cache_dir) / f"{key}.svg" if cache_dir else None
    if cached and cached.exists():
        return cached.read_text(encoding="utf-8")
    if progress:
        progress(f"drawing a diagram ({source.count(chr(10)) + 1} lines)")
    if len(source) > MAX_TEXT_SIZE:
        raise DiagramError(f"has {len(source):,} characters, over mermaid's limit of "
                           f"{MAX_TEXT_SIZE:,}; split it into smaller diagrams")
    svg = (renderer or _WORKER).render(with_roles(source), timeout or RENDER_TIMEOUT)
    if any(mark in svg for mark in ERROR_MARKS):
        raise DiagramError("mermaid drew its error picture instead (the diagram is too large "
                           "or not valid); check its syntax or split it")
    if cached:
        try:
            write_atomic(cached, svg)
        except DeckError:
            pass  # a read-only checkout: render again next time rather than fail
    return svg


def with_roles(source: str) -> str:
    """A flowchart with the palette's role classes defined, so ``A:::gpu`` has the GPU's
    colours in every diagram of the talk."""
    words = [line.split(None, 1)[0] for line in source.splitlines()
             if line.strip() and not line.strip().startswith("%%")]   # past directives
    if not words or words[0] not in ("flowchart", "graph"):
        return source
    return source.rstrip("\n") + "\n" + palette.mermaid_classes()


def unknown_roles(source: str) -> list[str]:
    """Role classes a diagram uses that the palette does not define."""
    return sorted({m.group(1) for m in ROLE_CLASS.finditer(source)} - set(palette.ROLES))


# a colour a diagram sets itself: in style, classDef and linkStyle statements
OWN_STYLE = re.compile(r"^\s*(?:style|classDef|linkStyle)\b(.*)$", re.MULTILINE)


def off_palette(source: str) -> list[str]:
    """Colours a diagram's own style statements set that the palette does not name (a colour
    must mean the same in every diagram, so it comes from a role class, ``A:::gpu``)."""
    known = palette.known_colours()
    found = []
    for statement in OWN_STYLE.finditer(source):
        for prop in re.split(r",(?![^(]*\))", statement.group(1)):  # not inside rgb(...)
            name, _, value = prop.partition(":")
            if name.strip().split()[-1:] not in (["fill"], ["stroke"], ["color"],
                                                 ["background"]):
                continue
            value = value.strip().rstrip(";").lower()
            if re.fullmatch(r"#[0-9a-f]{3}|#[0-9a-f]{6}", value):
                if palette.normal(value) in known:
                    continue
            elif value in ("none", "transparent"):
                continue
            found.append(value)
    return sorted(set(found))


TEXT = re.compile(r">([^<>]+)<")


@functools.lru_cache(maxsize=64)
def _font_face(chars: str) -> str:
    """@font-face rules carrying the deck's font, cut down to ``chars``; "" where the font or
    fontTools is missing (the picture then falls back to Helvetica, as before)."""
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        return ""
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # "FFTM NOT subset": tables we drop
    rules = []
    for weight, number in (("regular", 400),):  # Mermaid's labels use no other weight
        path = palette.font_path(weight)
        if path is None:
            return ""
        try:
            font = TTFont(str(path), recalcTimestamp=False)  # the same bytes every build
            options = subset.Options()
            options.flavor = "woff"
            options.layout_features = ["kern"]
            options.hinting = False          # drawn large: hints only add bytes
            options.drop_tables += ["FFTM", "webf"]
            subsetter = subset.Subsetter(options)
            subsetter.populate(text=chars)
            subsetter.subset(font)
            out = io.BytesIO()
            font.flavor = "woff"
            font.save(out)
        except Exception:  # a damaged font file: no embedded font, never a failed build
            return ""
        data = base64.b64encode(out.getvalue()).decode("ascii")
        rules.append(f'@font-face{{font-family:"{palette.FONT}";font-weight:{number};'
                     f'src:url(data:font/woff;base64,{data}) format("woff")}}')
    return "".join(rules)


def embed_font(svg: str) -> str:
    """The SVG with the deck's font inside it: a picture in an <img> cannot use the page's
    web fonts, so the labels would otherwise be drawn in another family."""
    chars = "".join(sorted({ch for m in TEXT.finditer(svg) for ch in html.unescape(m.group(1))}))
    face = _font_face(chars + " ") if chars.strip() else ""
    if not face:
        return svg
    end = svg.find(">", svg.find("<svg"))
    if end < 0:
        return svg
    return svg[:end + 1] + f"<style>{face}</style>" + svg[end + 1:]


@functools.lru_cache(maxsize=1)
def _font_id() -> str:
    """What embed_font's result depends on besides the SVG: fontTools and the font's bytes."""
    path = palette.font_path("regular")
    try:
        import fontTools
    except ImportError:
        return "no fontTools"
    if path is None:
        return "no font"
    return f"{fontTools.version}\n{hashlib.sha256(path.read_bytes()).hexdigest()}"


def with_font(svg: str, cache_dir: Path | None = None) -> str:
    """embed_font(svg), kept under ``cache_dir`` beside the drawn SVGs: cutting the font down
    to a diagram's letters took most of `deckkit check`'s time (0.76 of 1.19 s for the 12
    diagrams of this repository's decks), on every check and build, for the same answer."""
    if cache_dir is None:
        return embed_font(svg)
    key = hashlib.sha256(f"{_font_id()}\n{svg}".encode()).hexdigest()
    cached = Path(cache_dir) / f"{key}.font.svg"
    try:
        return cached.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    svg = embed_font(svg)
    try:
        write_atomic(cached, svg)
    except DeckError:
        pass  # a read-only checkout: embed again next time rather than fail
    return svg


def diagram_sources(nb) -> list[tuple[int, str]]:
    """(cell index, mermaid source) for every fence in the notebook's markdown cells."""
    return [(i, m.group(1)) for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
            for m in FENCE.finditer(cell.source)]


def render_diagrams(nb, ctx):
    """Step: fences replaced by images (in place), a finding for each broken diagram."""
    report = (lambda m: ctx.progress(f"{ctx.record.name}: {m}")) if ctx.progress else None
    return render_mermaid(nb, ctx.display, ctx.diagram_cache, report, ctx.renderer)


def render_mermaid(nb, display: str, cache_dir: Path | None = None, progress=None,
                   renderer: _Worker | None = None):
    """(``nb`` with fences replaced by images, changed in place; findings for broken diagrams)."""
    findings: list[Finding] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or "```mermaid" not in cell.source:
            continue

        def replace(match, index=index, cell=cell):
            foreign = off_palette(match.group(1))
            if foreign:
                findings.append(Finding(
                    display, "mermaid-colour", f"Mermaid diagram sets colour(s) "
                    f"{', '.join(foreign)} outside the deck's palette; colour a node by its "
                    f"role instead (A:::gpu; roles: {', '.join(palette.ROLES)})", index,
                    cell.source))
            unknown = unknown_roles(match.group(1))
            if unknown:
                findings.append(Finding(
                    display, "mermaid-role", f"Mermaid diagram uses role class(es) "
                    f"{', '.join(unknown)}, which the palette does not define; use one of "
                    f"{', '.join(palette.ROLES)}", index, cell.source))
            try:
                svg = render_svg(match.group(1), cache_dir, progress=progress,
                                 renderer=renderer)
            except DiagramError as exc:
                msg = " ".join(str(exc).split())[:200]
                findings.append(Finding(display, "mermaid", f"Mermaid diagram does not render: "
                                        f"{msg}", index, cell.source))
                return f"<pre>{html.escape(match.group(1))}</pre>"
            font, width = svg_metrics(svg)
            data = base64.b64encode(with_font(svg, cache_dir).encode("utf-8")).decode("ascii")
            alt = html.escape(_alt_text(match.group(1)), quote=True)
            size = (f' data-min-font-px="{font:g}" data-natural-width="{width:.1f}"'
                    if font and width else "")
            return (f'<div class="deckkit-mermaid"><img alt="{alt}"{size} '
                    f'src="data:image/svg+xml;base64,{data}"></div>')

        cell.source = FENCE.sub(replace, cell.source)
    return nb, findings


NODE = re.compile(r'([A-Za-z_]\w*)\s*(?:\["([^"]*)"\]|\("([^"]*)"\)|\{"([^"]*)"\}'
                  r'|\[([^\]"]*)\]|\(([^)"]*)\))')
ARROW = re.compile(r'\s*(?:--\s*"([^"]*)"\s*-->|-->\|([^|]*)\||-->|---|-\.->|==>)\s*')


def _words(label: str) -> str:
    """A label as plain words: no line breaks or other markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(label)).split())


def _alt_text(source: str) -> str:
    """The diagram in words: each arrow as "from → to" (with its label), in source order;
    subgraph titles name the groups.  No markup (screen readers read it aloud)."""
    source = ROLE_CLASS.sub("", source)
    source = "\n".join(line for line in source.splitlines()
                       if not line.strip().startswith(("classDef ", "class ", "style ",
                                                       "linkStyle ")))
    names = {m.group(1): _words(next(g for g in m.groups()[1:] if g is not None))
             for m in NODE.finditer(source)}
    groups, edges = [], []
    for line in source.splitlines()[1:]:
        line = line.strip()
        if line.startswith("subgraph"):
            title = NODE.search(line)
            groups.append(names.get(title.group(1), title.group(1)) if title
                          else line.split(None, 1)[-1])
            continue
        parts = ARROW.split(line)
        if len(parts) < 4:
            continue
        # parts: node, label?, label?, node, label?, label?, node, ...
        nodes = [NODE.sub(lambda m: m.group(1), parts[k]).strip() for k in range(0, len(parts), 3)]
        labels = [parts[k] or parts[k + 1] for k in range(1, len(parts) - 1, 3)]
        for a, b, label in zip(nodes, nodes[1:], labels):
            edge = f"{names.get(a, a)} → {names.get(b, b)}"
            edges.append(edge + (f" ({_words(label)})" if label else ""))
    if not edges:
        labels = list(names.values())
        return "Diagram: " + ", ".join(labels) if labels else "Diagram"
    head = f"Diagram ({'; '.join(groups)}): " if groups else "Diagram: "
    return head + "; ".join(edges) + "."


def svg_metrics(svg: str) -> tuple[float | None, float | None]:
    """(label font size, drawing width) in the SVG's own units: shown at width w, its labels
    are font × w / width pixels tall, which the legibility check needs."""
    font = re.search(r"#[\w-]+\{[^}]*?font-size:\s*([\d.]+)px", svg)
    box = re.search(r'viewBox="[\d.\-]+ [\d.\-]+ ([\d.]+) [\d.]+"', svg)
    return (float(font.group(1)) if font else None, float(box.group(1)) if box else None)


def _serve() -> None:
    """The worker: one JSON request per line in, one JSON reply per line out."""
    import mermaidx

    for request in jsonlines.each(sys.stdin):
        try:
            reply = {"svg": mermaidx.render(request["source"], config=request["config"]).svg()}
        except Exception as exc:  # mermaid's parse errors and the engine's own
            reply = {"error": f"{' '.join(str(exc).split())[:200]}; check its syntax"}
        jsonlines.send(sys.stdout, reply)


if __name__ == "__main__":
    _serve()
