"""Content-addressed caches under build/cache: a deck is re-executed only when its code cells,
its inputs, the code its cells can reach (deckkit's notebook side) or the Python environment
change — never because of file times, and never because the CLI or an exporter changed — and an
exported page is rewritten only when something it is made from changed.

A cache entry carries a digest of its own payload; an entry that fails to parse or to match
its digest is reported and rebuilt, never served."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import site
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..errors import DeckError
from ..model.layout import write_atomic

RELEVANT_TAGS = ("skip-execution", "raises-exception")


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


PACKAGE = Path(__file__).resolve().parents[1]
# What a deck's cells can import or what decides how they run: a change here re-executes decks.
# execution/fork.py is here because a forked kernel's start decides how cells run (it reseeds the
# random generators and sets MPLBACKEND).
NOTEBOOK_SIDE = ("demos", "agenda.py", "figures.py", "palette.py", "model/session.py",
                 "model/files.py",
                 "model/facts.py", "model/schema.py", "errors.py", "execution/kernel.py",
                 "execution/parallel.py", "execution/fork.py", "execution/provisioner.py",
                 "execution/channels.py")
# What turns an executed notebook into pages: a change here re-exports, never re-executes.
EXPORT_SIDE = ("output", "steps", "model", "templates", "palette.py")


@lru_cache(maxsize=None)
def code_fingerprint(areas: tuple[str, ...]) -> str:
    """deckkit's version and the text of the modules and templates under ``areas`` (paths
    relative to the package: folders or files)."""
    files = set()
    for area in areas:
        target = PACKAGE / area
        found = [target] if target.is_file() else target.rglob("*")
        files |= {p for p in found if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix in (".py", ".j2", ".js", ".css", ".json")}
    return digest(__version__, *(f"{p.relative_to(PACKAGE)}:{p.read_bytes().hex()}"
                                 for p in sorted(files)))


def kernel_paths() -> list[str]:
    """Where a fresh kernel of this interpreter finds its packages: PYTHONPATH and the site
    folders.  Not this process's sys.path, which whatever ran before may have grown: importing
    torch's C++ extension support, for one, appends setuptools' vendored packages, and a key
    taken after that would match no build made from the command line."""
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    paths += site.getsitepackages()
    if site.ENABLE_USER_SITE:
        paths.append(site.getusersitepackages())
    return list(dict.fromkeys(paths))


@lru_cache(maxsize=1)
def environment_fingerprint() -> str:
    """The interpreter, the platform and the version of every distribution a kernel sees."""
    dists = {f"{d.metadata['Name']}=={d.version}"
             for d in metadata.distributions(path=kernel_paths()) if d.metadata["Name"]}
    return digest(sys.version, platform.platform(), *sorted(dists))


def execution_key(nb, inputs: list[Path]) -> str:
    """What a deck's executed outputs depend on; markdown and notes are not part of it."""
    parts = [code_fingerprint(NOTEBOOK_SIDE), environment_fingerprint(),
             nb.metadata.get("kernelspec", {}).get("name", "python3")]
    for cell in nb.cells:
        if cell.cell_type == "code":
            tags = sorted(t for t in cell.metadata.get("tags", []) if t in RELEVANT_TAGS)
            parts.append(f"{cell.source}\x01{','.join(tags)}")
    for path in inputs:
        parts.append(f"{path.name}:{path.read_bytes().hex() if path.exists() else 'missing'}")
    return digest(*parts)


class ExecutionCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():  # before any deck runs
            raise DeckError(f"{self.folder.name} is a file where the execution cache's folder "
                            "belongs", where=str(self.folder), fix="remove it (everything "
                            "under build/ is made again by `deckkit build`)")

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def load(self, name: str, key: str, nb):
        """``nb`` (changed in place) with the outputs the cache holds for it under ``key``;
        None when missing or stale; raises CacheCorrupt when the entry is damaged."""
        path = self._path(name)
        if not path.exists():
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            if entry["digest"] != _entry_digest(entry["cells"], entry.get("language_info")):
                raise ValueError("digest does not match its content")
        except (ValueError, KeyError, TypeError) as exc:
            raise CacheCorrupt(f"{path.name}: {exc}") from None
        except OSError as exc:  # a folder where the entry belongs, an unreadable file
            raise CacheCorrupt(f"{path.name}: {exc.strerror or exc}") from None
        if entry.get("key") != key:
            return None
        code = [c for c in nb.cells if c.cell_type == "code"]
        if len(code) != len(entry["cells"]):
            raise CacheCorrupt(f"{path.name}: holds {len(entry['cells'])} code cells, the deck "
                               f"has {len(code)}")
        import nbformat

        if entry.get("language_info"):  # what the kernel reported: decides code highlighting
            nb.metadata["language_info"] = nbformat.from_dict(entry["language_info"])
        for cell, saved in zip(code, entry["cells"]):
            cell.outputs = [nbformat.from_dict(o) for o in saved["outputs"]]
            cell.execution_count = saved["execution_count"]
            if saved.get("execution"):
                cell.metadata["execution"] = nbformat.from_dict(saved["execution"])
        return nb

    def store(self, name: str, key: str, executed) -> Path:
        cells = [{"outputs": c.get("outputs", []), "execution_count": c.get("execution_count"),
                  "execution": c.get("metadata", {}).get("execution")}
                 for c in executed.cells if c.cell_type == "code"]
        cells = json.loads(json.dumps(cells, sort_keys=True))
        info = executed.metadata.get("language_info")
        entry = {"key": key, "digest": _entry_digest(cells, info), "cells": cells,
                 "language_info": info, "recorded": recorded_on()}
        return write_atomic(self._path(name), json.dumps(entry))

    def recorded(self, name: str) -> dict:
        """When and on what the entry's outputs were made: {"date": ISO date, "device": name}
        (an older entry: its file's date, device unknown)."""
        path = self._path(name)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            found = entry.get("recorded")
            if isinstance(found, dict) and isinstance(found.get("date"), str) \
                    and isinstance(found.get("device"), str):
                return {"date": found["date"], "device": found["device"]}
            import datetime

            stamp = datetime.date.fromtimestamp(path.stat().st_mtime).isoformat()
            return {"date": stamp, "device": ""}
        except (OSError, ValueError, AttributeError):
            return {"date": "", "device": ""}

    def discard(self, name: str) -> None:
        path = self._path(name)
        if path.is_dir() and not path.is_symlink():
            import shutil

            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def _entry_digest(cells, language_info) -> str:
    parts = [json.dumps(cells, sort_keys=True)]
    if language_info is not None:
        parts.append(json.dumps(language_info, sort_keys=True))
    return digest(*parts)


def recorded_on() -> dict:
    """Today and this machine's accelerator, named without touching CUDA (the build process
    forks kernels, which a CUDA context in it would break): nvidia-smi's first GPU, else CPU."""
    import datetime
    import shutil
    import subprocess

    device = "CPU"
    if smi := shutil.which("nvidia-smi"):
        try:
            out = subprocess.run([smi, "--query-gpu=name", "--format=csv,noheader"],
                                 capture_output=True, text=True, timeout=10).stdout
            if name := out.strip().splitlines()[0].strip() if out.strip() else "":
                device = name.removeprefix("NVIDIA ").strip() or name
        except (OSError, subprocess.SubprocessError):
            pass
    return {"date": datetime.date.today().isoformat(), "device": device}


class CacheCorrupt(Exception):
    """A cache entry that cannot be trusted."""


def export_key(exec_key: str, nb, notes_text: str, title: str) -> str:
    """What an exported page depends on: the executed outputs (via exec_key), every cell as
    written, the speaker notes and the template/asset code."""
    cells = json.dumps([{k: c.get(k) for k in ("cell_type", "source", "metadata")}
                        for c in nb.cells], sort_keys=True, default=str)
    return digest(exec_key, cells, notes_text, title, code_fingerprint(EXPORT_SIDE),
                   environment_fingerprint())


def content_digest(target: Path) -> str | None:
    """sha256 of a file, or of every file below a folder (paths included); None if absent."""
    target = Path(target)
    if target.is_file():
        return hashlib.sha256(target.read_bytes()).hexdigest()
    if target.is_dir():
        return digest(*(f"{p.relative_to(target).as_posix()}:"
                        f"{hashlib.sha256(p.read_bytes()).hexdigest()}"
                        for p in sorted(target.rglob("*")) if p.is_file()))
    return None


class Stamps:
    """Which key produced each output under build/, and a digest of what was written: a
    no-change build skips rewriting, and an output that was damaged or deleted since (a
    truncated page, a missing asset) is found and rebuilt, never trusted."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # none yet, damaged, or build/ is not a folder
            self.data = {}
        if not isinstance(self.data, dict):
            self.data = {}

    def fresh(self, target: Path, key: str) -> bool:
        entry = self.data.get(Path(target).name)
        return (isinstance(entry, dict) and entry.get("key") == key
                and entry.get("content") is not None
                and entry.get("content") == content_digest(target))

    def intact(self, target: Path) -> bool:
        """The output is there and is what the build wrote (whatever key made it)."""
        entry = self.data.get(Path(target).name)
        return isinstance(entry, dict) and entry.get("content") is not None and entry.get(
            "content") == content_digest(target)

    def mark(self, target: Path, key: str) -> None:
        self.data[Path(target).name] = {"key": key, "content": content_digest(target)}

    def save(self) -> None:
        write_atomic(self.path, json.dumps(self.data, indent=1, sort_keys=True))
