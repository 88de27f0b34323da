"""Reading a source file (deck, notes, session.toml, exercise) with errors that name it."""

from __future__ import annotations

from pathlib import Path

from ..errors import DeckError


def read_text(path: Path, display: str) -> str:
    """A source file's text; unreadable or non-UTF-8 files become a DeckError with the fix."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = Path(path).read_bytes()[: exc.start].count(b"\n") + 1
        raise DeckError(f"is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} on line {line})",
                        where=display, fix="save it as UTF-8 (most editors: File → Save with "
                        "encoding)") from None
    except IsADirectoryError:
        raise DeckError("is a folder, not a file", where=display,
                        fix="rename or remove the folder") from None
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise DeckError(f"cannot be read ({exc.strerror})", where=display,
                        fix="check the file's permissions") from None
