"""One JSON object per line: how deckkit talks to its helper processes (the kernel fork,
execution/fork.py, and the Mermaid worker, steps/mermaid.py), on either side of the pipe.
The standard library only: the helpers import it before anything else."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator


def send(stream, message: dict) -> None:
    """Write ``message`` as one line and flush it (a text or a binary stream)."""
    line = json.dumps(message) + "\n"
    stream.write(line if isinstance(stream, io.TextIOBase) else line.encode("utf-8"))
    stream.flush()


def parse(line: str | bytes) -> dict:
    """One line back as the object it holds; ValueError for anything else (a helper that
    printed something of its own, a line cut short)."""
    try:
        message = json.loads(line)
    except ValueError:
        raise ValueError(f"not a JSON line: {line[:80]!r}") from None
    if not isinstance(message, dict):
        raise ValueError(f"not a JSON object: {line[:80]!r}")
    return message


def each(stream) -> Iterator[dict]:
    """The messages on ``stream``, one per line, until it closes."""
    for line in stream:
        if line.strip():
            yield parse(line)
