"""The one owner of build/: every output path is named here, and every file under build/ is
written through one atomic writer (a temporary file in the same folder, then a rename), so a
reader never sees half a file and an interrupted build never leaves one behind."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import DeckError

AUDIENCES = ("presenter", "student")


@dataclass(frozen=True)
class BuildLayout:
    """Paths under ``root`` (a project's build/).  Nothing here touches the disk.
    ``share`` moves the student package elsewhere (a staging folder while it is built)."""

    root: Path
    share: Path | None = None

    # -- HTML decks: build/html for the presenter, build/share/html for students
    def html_dir(self, audience: str = "presenter") -> Path:
        if audience not in AUDIENCES:
            raise ValueError(f"audience is one of {AUDIENCES}, not {audience!r}")
        return self.share_dir / "html" if audience == "student" else self.root / "html"

    def page(self, name: str, audience: str = "presenter") -> Path:
        """``name`` is a deck's file stem or "session"."""
        return self.html_dir(audience) / f"{name}.slides.html"

    def assets(self, audience: str = "presenter") -> Path:
        return self.html_dir(audience) / "assets"

    # -- caches
    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def exec_cache(self) -> Path:
        return self.cache_dir / "exec"

    @property
    def mermaid_cache(self) -> Path:
        return self.cache_dir / "mermaid"

    def stamps(self, audience: str = "presenter") -> Path:
        return self.cache_dir / f"stamps-{audience}.json"

    # -- the presenter's notes
    @property
    def notes_dir(self) -> Path:
        return self.root / "notes"

    @property
    def timings(self) -> Path:
        return self.notes_dir / "timings.json"

    def rehearsal(self, day: str) -> Path:
        """One rehearsal's seconds per slide (``day`` as YYYY-MM-DD), written by preview."""
        return self.notes_dir / f"rehearsal-{day}.json"

    def latest_rehearsal(self) -> Path | None:
        found = sorted(self.notes_dir.glob("rehearsal-*.json")) if self.notes_dir.is_dir() else []
        return found[-1] if found else None

    @property
    def run_sheet_html(self) -> Path:
        return self.notes_dir / "run-sheet.html"

    @property
    def run_sheet_pdf(self) -> Path:
        return self.notes_dir / "run-sheet.pdf"

    # -- PDF
    @property
    def pdf_dir(self) -> Path:
        return self.root / "pdf"

    def pdf(self, name: str) -> Path:
        return self.pdf_dir / f"{name}.pdf"

    @property
    def handout(self) -> Path:
        return self.pdf_dir / "session-handout.pdf"

    # -- presenting in RISE
    @property
    def present_dir(self) -> Path:
        return self.root / "present"

    def present(self, name: str) -> Path:
        return self.present_dir / f"{name}.ipynb"

    @property
    def present_log(self) -> Path:
        return self.present_dir / "jupyter.log"

    # -- review images
    @property
    def contact_dir(self) -> Path:
        return self.root / "contact"

    # -- the student package
    @property
    def share_dir(self) -> Path:
        return self.share or self.root / "share"

    def share_staging(self) -> BuildLayout:
        """The same layout with the student package built aside, swapped in when complete."""
        return BuildLayout(self.root, self.root / ".share-staging")

    def share_exercise(self, name: str) -> Path:
        return self.share_dir / "exercises" / name

    @property
    def share_notebooks(self) -> Path:
        """The runnable notebooks, and beside them what their code imports and reads."""
        return self.share_dir / "notebooks"

    @property
    def share_requirements(self) -> Path:
        return self.share_dir / "requirements.txt"

    @property
    def share_pdf(self) -> Path:
        return self.share_dir / "session.pdf"

    @property
    def share_readme(self) -> Path:
        return self.share_dir / "README.txt"

    def share_zip(self, name: str) -> Path:
        """The whole student package as one file (what an LMS accepts)."""
        return self.share_dir / f"{name}.zip"


@contextlib.contextmanager
def atomic_path(path: Path):
    """Yield a temporary path beside ``path``; when the block succeeds it is renamed onto
    ``path`` (readable by all: built decks are meant to be shared), else removed.  For writers
    that want a file name (a browser printing a PDF); others use write_atomic."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise unwritable(path, exc) from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and (exc.filename in (tmp, str(path))
                                         or exc.errno in MACHINE_FULL):
            raise unwritable(path, exc) from None
        raise


# what a write can meet that is the machine's, not deckkit's: no space, a quota, a read-only or
# too small file system (a write error names no file, so these are recognised by number)
MACHINE_FULL = {errno.ENOSPC, errno.EROFS, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def unwritable(path: Path, exc: OSError) -> DeckError:
    """A DeckError naming the output that cannot be written and how to make room for it."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DeckError("cannot be written: the disk is full", where=str(path),
                         fix="free some space (deleting build/ is safe: deckkit rebuilds "
                         "everything in it) and run the command again")
    blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None and blocker != path:
        return DeckError(f"cannot be written: {blocker} is a file, not a folder", where=str(path),
                         fix=f"remove or rename {blocker}; deckkit recreates it as a folder")
    if isinstance(exc, IsADirectoryError) or path.is_dir():
        return DeckError("cannot be written: a folder stands in its place", where=str(path),
                         fix="remove or rename that folder")
    return DeckError(f"cannot be written ({exc.strerror or exc})", where=str(path),
                     fix="make build/ writable by you, or delete it (deckkit rebuilds everything "
                     "in it)")


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write text (UTF-8, "\\n" line ends on every system: a deck or page written on Windows
    is the same file as on Linux) or bytes to ``path`` atomically; returns the path."""
    with atomic_path(path) as tmp:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8", newline="\n")  # LF on Windows too
    return Path(path)
