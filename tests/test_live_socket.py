"""The server's half of the safety net (deckkit.live_socket), message by message: what the
browser gets when it runs a demo on a dead kernel, what passes through to a live one."""

import json

import pytest

pytest.importorskip("jupyter_server")

from jupyter_client.session import Session  # noqa: E402
from jupyter_server.services.kernels.connection.base import (  # noqa: E402
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)

from deckkit import live_socket  # noqa: E402
from deckkit.live import badge_bundle  # noqa: E402

RECORDED = {"deck": "decks/F_why_python.ipynb", "cells": {
    "f03": {"label": "decks/F_why_python.ipynb, code cell 2", "badge": "recorded 7 Dec, H200",
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["np.dot wins\n"]},
                        {"output_type": "display_data", "metadata": {},
                         "data": {"text/html": "<table class='deckkit-demo'></table>"}}]},
    "f05": {"label": "decks/F_why_python.ipynb, code cell 4", "outputs": []}}}


class Process:
    def __init__(self, code):
        self.code = code

    def poll(self):
        return self.code


class Connection(live_socket.SafetyNetConnection):
    """The class under test with the websocket and the kernel replaced by recorders."""

    def __init__(self, folder, exit_code=None, subprotocol=None):
        # not the parent's __init__: no server, no kernel, no websocket
        self.session = Session()
        self._subprotocol = subprotocol
        self._pending, self._restarting = {}, False
        self.recordings = live_socket.Recordings(folder, "F_why_python.ipynb")
        self._km = type("KM", (), {})()
        self._km.provisioner = type("P", (), {"process": Process(exit_code)})()
        self.sent, self.forwarded, self.channels = [], [], {}

    @property
    def subprotocol(self):
        return self._subprotocol

    @property
    def kernel_manager(self):
        return self._km

    def write_message(self, message, binary=False):
        if binary:
            channel, parts = deserialize_msg_from_ws_v1(message)
            msg = {"channel": channel, "header": self.session.unpack(parts[0]),
                   "parent_header": self.session.unpack(parts[1]),
                   "content": self.session.unpack(parts[3])}
        else:
            msg = json.loads(message)
        self.sent.append(msg)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    (tmp_path / "F_why_python.live.json").write_text(json.dumps(RECORDED), encoding="utf-8")
    # what passes through reaches the parent class: recorded here instead of a kernel
    monkeypatch.setattr(live_socket.ZMQChannelsWebsocketConnection, "handle_incoming_message",
                        lambda self, msg: self.forwarded.append(msg))
    return tmp_path


def request(session, cell_id, msg_type="execute_request"):
    msg = session.msg(msg_type, {"code": "race", "silent": False},
                      metadata={"cellId": cell_id})
    msg["channel"] = "shell"
    return json.dumps(msg, default=str), msg["header"]["msg_id"]


def test_a_demo_run_on_a_dead_kernel_gets_its_recording_at_once_and_the_presenter_is_told(
        folder):
    conn = Connection(folder, exit_code=-9)
    raw, msg_id = request(conn.session, "f03")
    conn.handle_incoming_message(raw)
    assert conn.forwarded == []      # the dead kernel is not asked
    kinds = [(m["channel"], m["header"]["msg_type"]) for m in conn.sent]
    assert kinds == [("iopub", "status"), ("iopub", "stream"), ("iopub", "display_data"),
                     ("iopub", "display_data"), ("iopub", "status"), ("shell", "execute_reply")]
    assert {m["parent_header"]["msg_id"] for m in conn.sent} == {msg_id}  # the cell's future
    assert conn.sent[1]["content"] == {"name": "stdout", "text": "np.dot wins\n"}
    assert conn.sent[3]["content"]["data"] == badge_bundle("recorded 7 Dec, H200", "recorded")
    assert conn.sent[-1]["content"]["status"] == "ok"
    said = json.loads((folder / "live.log").read_text(encoding="utf-8"))
    assert said["problem"] == "the kernel died (exit status -9)" and said["restored"] is True
    assert said["cell"] == "decks/F_why_python.ipynb, code cell 2"


def test_the_same_over_jupyterlabs_binary_protocol(folder):
    conn = Connection(folder, exit_code=1, subprotocol=live_socket.V1)
    msg = conn.session.msg("execute_request", {"code": "race"}, metadata={"cellId": "f03"})
    conn.handle_incoming_message(serialize_msg_to_ws_v1(msg, "shell", conn.session.pack))
    assert conn.forwarded == []
    assert conn.sent[-1]["header"]["msg_type"] == "execute_reply"
    assert conn.sent[-1]["parent_header"]["msg_id"] == msg["header"]["msg_id"]


def test_a_live_kernel_and_cells_with_nothing_recorded_are_left_to_jupyter(folder):
    alive = Connection(folder, exit_code=None)
    raw, msg_id = request(alive.session, "f03")
    alive.handle_incoming_message(raw)
    assert alive.forwarded == [raw] and alive.sent == []
    assert list(alive._pending) == [msg_id]   # answered from the recording if it dies now
    dead = Connection(folder, exit_code=-9)
    for cell in ("f05", "not-a-demo"):        # a set-up cell waits for the restarted kernel
        raw, _ = request(dead.session, cell)
        dead.handle_incoming_message(raw)
    info, _ = request(dead.session, "f03", "kernel_info_request")
    dead.handle_incoming_message(info)
    assert len(dead.forwarded) == 3 and dead.sent == []


def test_a_cell_running_when_the_kernel_dies_gets_its_recording_and_no_dialog(folder,
                                                                             monkeypatch):
    conn = Connection(folder)
    monkeypatch.setattr(Connection, "kernel_id", "k1", raising=False)
    monkeypatch.setattr(Connection, "log", type("L", (), {"warning": lambda *a: None})(),
                        raising=False)
    monkeypatch.setattr(conn, "_wait_until_ready", lambda: None)
    raw, msg_id = request(conn.session, "f03")
    conn.handle_incoming_message(raw)
    conn.on_kernel_restarted()
    statuses = [m["content"]["execution_state"] for m in conn.sent
                if m["header"]["msg_type"] == "status"]
    assert "restarting" not in statuses      # JupyterLab's dialog never opens
    assert conn.sent[-2]["header"]["msg_type"] == "execute_reply"
    assert conn.sent[-2]["parent_header"]["msg_id"] == msg_id
    assert conn._restarting and conn._not_ready() == "the kernel is restarting"
    lines = [json.loads(line) for line in (folder / "live.log").read_text().splitlines()]
    assert [e.get("news", False) for e in lines] == [True, False]


def test_a_damaged_or_missing_recordings_file_means_no_net_not_a_crash(tmp_path):
    (tmp_path / "F_why_python.live.json").write_text("{not json", encoding="utf-8")
    assert live_socket.Recordings(tmp_path, "F_why_python.ipynb").find("f03") is None
    assert live_socket.Recordings(tmp_path, "gone.ipynb").find("f03") is None
    assert live_socket.Recordings(None, "").find("f03") is None
