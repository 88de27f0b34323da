"""A kernel client that cannot sleep through a message that has already arrived.

jupyter_client waits for a kernel's message with one ``poll`` of the channel's asyncio socket
for the whole timeout (nbclient asks the shell channel for a cell's reply with the cell
timeout).  That wait is woken by the socket's file descriptor, which ZeroMQ signals on an edge,
and now and then the edge is missed: in about one build in eight of two adopted RISE examples
(measured on a 2-core machine), a cell's ``execute_reply`` was sent by the kernel at once (its
header's date) and read by deckkit exactly 120 s later, at the cell timeout, when pyzmq's poll
looks at the socket once more and finds it.  The build then went on as if nothing had
happened, two minutes late.

``SlicedChannel`` waits in slices of ``SLICE`` seconds instead: each slice ends with that
look at the socket, so a missed wake-up costs at most one slice, and a timeout still ends where
it was asked to."""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from traitlets import Type

SLICE = 0.25  # seconds: the longest a message that is already there can wait to be read


class SlicedChannel(AsyncZMQSocketChannel):
    async def get_msg(self, timeout: float | None = None) -> dict:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            step = SLICE if deadline is None else min(SLICE, max(0.0, deadline - time.monotonic()))
            try:
                return await super().get_msg(step)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise


class SlicedKernelClient(AsyncKernelClient):
    """The kernel client nbclient uses for every deck (``Kernel``): its shell, IOPub, stdin
    and control channels wait in slices."""

    shell_channel_class = Type(SlicedChannel)
    iopub_channel_class = Type(SlicedChannel)
    stdin_channel_class = Type(SlicedChannel)
    control_channel_class = Type(SlicedChannel)
