"""The safety net's other half, in the server that `deckkit present` starts: what the kernel
cannot do once it is dead.

A kernel that dies (killed, out of memory, a crash in native code) cannot put anything back on
a slide, and JupyterLab would show the room a "Kernel Restarting" dialog over it.  This
connection class (jupyter_server's ``ServerApp.kernel_websocket_connection_class``: the class
that joins the browser's websocket to a kernel) stands between the two:

- a demo cell run while the kernel is dead or restarting gets its recorded output back from
  here at once, marked "recorded", and never reaches the kernel;
- a cell that was running when the kernel died gets its recorded output back as soon as the
  server sees the death;
- the restart goes on as Jupyter does it (the new kernel runs the deck's set-up cells, see
  deckkit.live), but the room is shown no dialog: the presenter reads what happened in
  live.log, which `deckkit present` prints.

Everything else passes through unchanged.  The recordings are the ``<deck>.live.json`` files
in the presented folder (``DECKKIT_LIVE``), written by `deckkit present`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

from .live import FOLDER_ENV, LOG_NAME, load_recordings, recorded_messages, recordings_path, tell

V1 = "v1.kernel.websocket.jupyter.org"


NOTEBOOK_ENV = "DECKKIT_NOTEBOOK"   # the presented notebook's name, set by `deckkit present`


class Recordings:
    """The presented deck's recorded cells by cell id, read again when its file changes; a
    damaged or missing file means no net here (as in the kernel), never a crash."""

    def __init__(self, folder: Path | None, notebook: str):
        self.folder = folder
        self.path = recordings_path(folder, notebook) if folder and notebook else None
        self._stamp: float | None = None
        self.deck = ""
        self.cells: dict = {}

    def find(self, cell_id: str) -> dict | None:
        if self.path is None or not cell_id:
            return None
        try:
            stamp = self.path.stat().st_mtime
            if stamp != self._stamp:
                data = load_recordings(self.path)
                self.deck, self.cells, self._stamp = str(data.get("deck", "")), data["cells"], stamp
        except (OSError, ValueError):
            self.deck, self.cells, self._stamp = "", {}, None
        cell = self.cells.get(cell_id)
        return cell if isinstance(cell, dict) else None


def _recordings() -> Recordings:
    folder = os.environ.get(FOLDER_ENV)
    return Recordings(Path(folder) if folder else None, os.environ.get(NOTEBOOK_ENV, ""))


class SafetyNetConnection(ZMQChannelsWebsocketConnection):
    """A kernel's websocket with the recorded outputs behind it (see the module's text)."""

    recordings = _recordings()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pending: dict[str, dict] = {}   # msg_id → the execute_request it answers
        self._restarting = False

    # -- browser → kernel ---------------------------------------------------------------
    def handle_incoming_message(self, incoming_msg) -> None:
        request = self._execute_request(incoming_msg)
        if request is not None:
            why = self._not_ready()
            cell = self._cell(request) if why else None
            if cell and cell.get("outputs"):
                self._answer(request, cell, why)
                return
            # a cell with nothing recorded (one that sets up what later cells use) waits for
            # the kernel, as it would without deckkit
            self._pending[request["header"]["msg_id"]] = request
        super().handle_incoming_message(incoming_msg)

    def _cell(self, request: dict) -> dict:
        return self.recordings.find(str(request["metadata"].get("cellId", ""))) or {}

    def _execute_request(self, incoming_msg) -> dict | None:
        """The execute_request in a browser's message ({header, metadata, content}), or None
        for any other message (it passes through untouched)."""
        try:
            if self.subprotocol == V1:
                channel, parts = deserialize_msg_from_ws_v1(incoming_msg)
                if channel != "shell":
                    return None
                header = self.session.unpack(parts[0])
                if header.get("msg_type") != "execute_request":
                    return None
                return {"header": header, "metadata": self.session.unpack(parts[2])}
            msg = incoming_msg if isinstance(incoming_msg, dict) else json.loads(incoming_msg)
            if msg.get("channel", "shell") != "shell" \
                    or msg.get("header", {}).get("msg_type") != "execute_request":
                return None
            return {"header": msg["header"], "metadata": msg.get("metadata") or {}}
        except Exception:  # noqa: BLE001 (a message this cannot read is Jupyter's to judge)
            return None

    def _not_ready(self) -> str:
        if self._restarting:
            return "the kernel is restarting"
        process = getattr(getattr(self.kernel_manager, "provisioner", None), "process", None)
        code = process.poll() if process is not None else None
        if code is not None:
            return f"the kernel died (exit status {code})"
        return ""

    # -- kernel → browser ---------------------------------------------------------------
    def handle_outgoing_message(self, stream, outgoing_msg) -> None:
        if self._pending and getattr(stream, "channel", stream) == "shell":
            try:
                _, parts = self.session.feed_identities(outgoing_msg)
                parent = self.session.unpack(parts[2])
                self._pending.pop(parent.get("msg_id", ""), None)
            except Exception:  # noqa: BLE001 (passed on as it came)
                pass
        super().handle_outgoing_message(stream, outgoing_msg)

    def on_kernel_restarted(self) -> None:
        """Jupyter restarted a dead kernel: the cells it was running get their recordings
        back, the room is shown no dialog, and demos are answered from the recordings until
        the new kernel is ready."""
        self.log.warning("kernel %s died and was restarted (deckkit: no dialog shown)",
                         self.kernel_id)
        self._tell(self.recordings.deck, "the kernel", "it died, and Jupyter restarted it; "
                   "its set-up cells run again, and until it is ready each demo shows its "
                   "recorded output", False, news=True)
        pending, self._pending = list(self._pending.values()), {}
        for request in pending:
            self._answer(request, self._cell(request), "the kernel died while it ran")
        self._send_status_message("idle")
        self._restarting = True
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        import asyncio

        async def ready():
            from jupyter_core.utils import ensure_async

            client = self.kernel_manager.client()
            try:
                client.start_channels()
                await ensure_async(client.wait_for_ready(timeout=120))
                self._tell(self.recordings.deck, "the kernel", "it is back after its restart: "
                           "demos run live again (a demo that needs an earlier cell's result "
                           "shows its recorded output)", False, news=True)
            except Exception as exc:  # noqa: BLE001 (the kernel stays unanswered: say so)
                self._tell("", "", f"the restarted kernel did not answer ({exc})", False)
            finally:
                client.stop_channels()
                self._restarting = False
        asyncio.ensure_future(ready())

    # -- the answer ---------------------------------------------------------------------
    def _answer(self, request: dict, cell: dict, why: str) -> None:
        """Reply to ``request`` as a kernel would, with its cell's recorded outputs."""
        header = request["header"]
        deck = self.recordings.deck
        messages = recorded_messages(cell)
        self._send("iopub", "status", {"execution_state": "busy"}, header)
        for kind, content in messages:
            if kind == "display_data":
                content = dict(content, transient={})
            self._send("iopub", kind, content, header)
        self._send("iopub", "status", {"execution_state": "idle"}, header)
        self._send("shell", "execute_reply", {"status": "ok", "execution_count": None,
                                              "user_expressions": {}, "payload": []}, header)
        self._tell(deck, cell.get("label", ""), why + (
            "" if messages else " (it has no recorded output to show)"), bool(messages))

    def _send(self, channel: str, msg_type: str, content: dict, parent: dict) -> None:
        msg = self.session.msg(msg_type, content, parent=parent)
        if self.subprotocol == V1:
            self.write_message(serialize_msg_to_ws_v1(msg, channel, self.session.pack),
                               binary=True)
        else:
            msg["channel"] = channel
            self.write_message(json.dumps(msg, default=str))

    def _tell(self, deck: str, cell: str, problem: str, restored: bool, **more) -> None:
        folder = self.recordings.folder
        tell(folder / LOG_NAME if folder else None, deck, cell or None, problem, restored,
             **more)
