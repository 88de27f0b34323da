"""The kernel client's channels read a message that is already there even when the socket's
wake-up is missed (execution/channels.py): a build waited out a whole 120 s cell timeout for
an execute_reply the kernel had sent at once."""

import asyncio
import threading
import time
from queue import Empty

import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session

from deckkit.execution.channels import SLICE, SlicedChannel, SlicedKernelClient


class MissedWakeUp:
    """An asyncio socket as pyzmq's is when the edge on its file descriptor is lost: a wait
    is never woken, and only its end (a timeout, or a poll of 0) looks at the socket again."""

    def __init__(self, session, arrives_after: float = 0.0):
        self.session, self.arrives = session, time.monotonic() + arrives_after
        self.frames = session.serialize(session.msg("execute_reply", {"status": "ok"}))

    def waiting(self) -> bool:
        return time.monotonic() >= self.arrives

    async def poll(self, timeout_ms=None):
        if timeout_ms is None:
            await asyncio.Event().wait()   # never woken
        await asyncio.sleep(timeout_ms / 1000)
        return zmq.POLLIN if self.waiting() else 0

    async def recv_multipart(self, **_):
        return self.frames


def _read(channel_class, timeout, arrives_after=0.0):
    session, context = Session(), zmq.asyncio.Context()
    real = context.socket(zmq.DEALER)
    channel = channel_class(real, session)   # it checks the socket it is given is asyncio
    channel.socket = MissedWakeUp(session, arrives_after)
    begun = time.monotonic()
    got = {}

    def wait():   # a thread of its own: its own event loop, whatever this one has running
        try:
            got["msg"] = asyncio.run(channel.get_msg(timeout))
        except Empty:
            got["msg"] = None

    try:
        waiter = threading.Thread(target=wait)
        waiter.start()
        waiter.join()
        msg = got["msg"]
    finally:
        real.close(0)
        context.term()
    return msg, time.monotonic() - begun


def test_a_reply_already_waiting_is_read_within_a_slice_not_at_the_timeout():
    msg, took = _read(SlicedChannel, timeout=30)
    assert msg is not None and msg["msg_type"] == "execute_reply"
    assert took < SLICE + 1.0, took
    # the stock channel, on the same socket, sleeps until its timeout (kept short here)
    stock, took = _read(AsyncZMQSocketChannel, timeout=2)
    assert stock is not None and took >= 2.0


def test_a_wait_without_a_timeout_still_reads_the_reply():
    msg, took = _read(SlicedChannel, timeout=None, arrives_after=0.4)
    assert msg is not None and 0.4 <= took < 0.4 + SLICE + 1.0


def test_a_timeout_still_ends_the_wait_where_it_was_asked_to():
    msg, took = _read(SlicedChannel, timeout=0.6, arrives_after=60)
    assert msg is None and 0.6 <= took < 0.6 + 1.0


@pytest.mark.parametrize("name", ["shell", "iopub", "stdin", "control"])
def test_every_channel_a_deck_is_run_through_waits_in_slices(name):
    assert issubclass(getattr(SlicedKernelClient, f"{name}_channel_class").default_value,
                      SlicedChannel)
