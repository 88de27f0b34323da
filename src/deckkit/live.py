"""The safety net of a live demo, inside the kernel that RISE runs (an IPython extension that
`deckkit present` loads into every kernel it starts, a restarted one included).

What it does, for the deck the kernel serves (``JPY_SESSION_NAME``, set by Jupyter's server):

- when the kernel starts, it runs the deck's hidden set-up cells (slide type "skip"), so the
  room never waits for imports;
- a cell that fails (an exception, or running past its time budget) does not show a traceback
  to the room: its recorded output from the last build comes back, marked "recorded", and the
  failure goes to the presenter's log (``live.log``, which `deckkit present` prints);
- a cell that succeeds is marked "live";
- a cell tagged ``raises-exception`` shows its error as written.

The recordings are ``<deck>.live.json`` beside the presented copy, written by `deckkit
present`; this module reads them and never writes under decks/.
"""

from __future__ import annotations

import _thread
import json
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

FOLDER_ENV = "DECKKIT_LIVE"          # the presented folder (build/present)
SESSION_ENV = "JPY_SESSION_NAME"     # the notebook's path, set by jupyter_server
BADGE_CLASS = "deckkit-badge"
LOG_NAME = "live.log"             # beside the presented copy: what the presenter is told


def badge_bundle(text: str, kind: str) -> dict:
    """The small label under a demo's output: what the room sees, recorded or live."""
    return {"text/html": f"<div class='{BADGE_CLASS} {BADGE_CLASS}-{kind}'>{_escape(text)}</div>",
            "text/plain": f"[{text}]"}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def recorded_messages(cell: dict) -> list[tuple[str, dict]]:
    """A recorded cell as the kernel messages that show it again: ("stream", {name, text})
    and ("display_data", {data, metadata}), its "recorded" badge last; nothing for a cell
    with no outputs.  The kernel (Net.restore) and the server (live_socket) both replay these."""
    messages = []
    for output in cell.get("outputs") or []:
        kind = output.get("output_type")
        if kind == "stream":
            text = output.get("text", "")
            messages.append(("stream", {"name": output.get("name", "stdout"),
                                        "text": "".join(text) if isinstance(text, list)
                                        else text}))
        elif kind in ("display_data", "execute_result"):
            messages.append(("display_data", {"data": dict(output.get("data", {})),
                                              "metadata": output.get("metadata", {})}))
    if cell.get("outputs"):
        messages.append(("display_data", {
            "data": badge_bundle(cell.get("badge", "recorded"), "recorded"), "metadata": {}}))
    return messages


def recordings_path(folder: Path, notebook: str) -> Path:
    return Path(folder) / f"{Path(notebook).stem}.live.json"


def load_recordings(path: Path) -> dict:
    """The recordings file, checked: a damaged one means no safety net, never a crash."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("cells"), dict):
        raise ValueError("not a deckkit recordings file")
    return data


class Net:
    """Restores recorded outputs on failure; one per kernel."""

    def __init__(self, shell, recordings: dict, log: Path | None, display=None,
                 clear=None):
        self.shell = shell
        self.cells = recordings.get("cells", {})
        self.deck = recordings.get("deck", "")
        self.log = log
        self.current: str | None = None
        self.started = 0.0
        self.failure: str | None = None
        self.timer: threading.Timer | None = None
        self.sigint = None   # the SIGINT handler to put back after a cell with a budget
        self.timed_out = False
        if display is None or clear is None:
            from IPython.display import clear_output, publish_display_data
            display, clear = publish_display_data, clear_output
        self._display, self._clear = display, clear

    # -- events ---------------------------------------------------------------------------
    def pre_run_cell(self, info) -> None:
        self.current = getattr(info, "cell_id", None)
        self.failure = None
        self.timed_out = False
        self.started = time.monotonic()
        budget = self.cells.get(self.current, {}).get("budget_s") if self.current else None
        if budget:
            # interrupt_main() stops the cell only while Python handles SIGINT: a kernel whose
            # process began with SIGINT ignored (started in the background) would run on
            if (threading.current_thread() is threading.main_thread()
                    and not callable(signal.getsignal(signal.SIGINT))):
                self.sigint = signal.signal(signal.SIGINT, signal.default_int_handler)
            self.timer = threading.Timer(float(budget), self._over_budget)
            self.timer.daemon = True
            self.timer.start()

    def _over_budget(self) -> None:
        self.timed_out = True
        _thread.interrupt_main()

    def on_error(self, shell, etype, value, tb, tb_offset=None):
        """IPython's custom exception handler: the traceback goes to the presenter."""
        cell = self.cells.get(self.current or "", {})
        if cell.get("expects_error") or not cell.get("outputs"):
            shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
            if not cell.get("expects_error"):
                self._say(f"{etype.__name__}: {value}", restored=False)
            return None
        if self.timed_out:
            budget = cell.get("budget_s")
            self.failure = f"ran past its {budget:g} s budget and was stopped"
        else:
            last = traceback.extract_tb(tb)[-1:] if tb else []
            where = f" (line {last[0].lineno})" if last else ""
            self.failure = f"{etype.__name__}: {value}{where}"
        return None

    def post_run_cell(self, result) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.sigint is not None:
            signal.signal(signal.SIGINT, self.sigint)
            self.sigint = None
        cell = self.cells.get(self.current or "", {})
        if not cell:
            return
        if result.error_before_exec is not None and cell.get("outputs") \
                and not cell.get("expects_error"):
            err = result.error_before_exec
            self.failure = f"{type(err).__name__}: {err}"
        if self.failure:
            self.restore(cell)
            self._say(self.failure, restored=True)
        elif result.success:
            self._display(badge_bundle("live", "live"), metadata={})

    def restore(self, cell: dict) -> None:
        """The room sees the recorded output again, with its badge."""
        self._clear(wait=False)
        for kind, content in recorded_messages(cell):
            if kind == "stream":
                stream = getattr(sys, "stderr" if content["name"] == "stderr" else "stdout")
                stream.write(content["text"])
                stream.flush()
            else:
                self._display(content["data"], metadata=content["metadata"])

    def _say(self, problem: str, restored: bool) -> None:
        cell = self.cells.get(self.current or "", {})
        tell(self.log, self.deck, cell.get("label", self.current), problem, restored,
             seconds=round(time.monotonic() - self.started, 2))


def tell(log: Path | None, deck: str, cell, problem: str, restored: bool, **more) -> None:
    """One line for the presenter in live.log (`deckkit present` prints it); never raises."""
    if log is None:
        return
    entry = {"time": time.strftime("%H:%M:%S"), "deck": deck, "cell": cell,
             "problem": problem, "restored": restored, **more}
    try:
        with open(log, "a", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(entry) + "\n")
    except OSError:
        pass


def run_setup(shell, recordings: dict, log: Path | None) -> None:
    """Run the deck's hidden set-up cells now, as the kernel starts."""
    for source in recordings.get("setup", []):
        result = shell.run_cell(source, store_history=False, silent=True)
        if not result.success:
            err = result.error_in_exec or result.error_before_exec
            tell(log, recordings.get("deck", ""), "set-up", f"{type(err).__name__}: {err}",
                 restored=False)


def load_ipython_extension(shell) -> None:
    folder, notebook = os.environ.get(FOLDER_ENV), os.environ.get(SESSION_ENV)
    if not folder or not notebook:
        return
    log = Path(folder) / LOG_NAME
    try:
        recordings = load_recordings(recordings_path(folder, notebook))
    except (OSError, ValueError) as exc:
        tell(log, notebook, None, f"no safety net: recordings unreadable ({exc})",
             restored=False)
        return
    net = Net(shell, recordings, log)
    shell.events.register("pre_run_cell", net.pre_run_cell)
    shell.events.register("post_run_cell", net.post_run_cell)
    shell.set_custom_exc((Exception, KeyboardInterrupt), net.on_error)
    shell._deckkit_net = net
    run_setup(shell, recordings, log)
