"""The atomic writer: whole files or nothing, never a temporary file left behind."""

import os

import pytest

from deckkit.model.layout import atomic_path, write_atomic


def test_text_and_bytes_are_written_whole_and_readable_by_all(tmp_path):
    page = write_atomic(tmp_path / "html" / "a.slides.html", "<html>é</html>")
    blob = write_atomic(tmp_path / "pdf" / "a.pdf", b"%PDF-1.7")
    assert page.read_text(encoding="utf-8") == "<html>é</html>" and blob.read_bytes() == b"%PDF-1.7"
    assert oct(os.stat(page).st_mode & 0o777) == "0o644"


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    target = write_atomic(tmp_path / "session.pdf", b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half a pdf")
            raise RuntimeError("browser crashed")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.pdf"]


def test_a_full_disk_is_a_message_with_the_fix_and_leaves_no_half_file(tmp_path, monkeypatch):
    import errno
    from pathlib import Path

    from deckkit.errors import DeckError
    from deckkit.model.layout import write_atomic

    def full(self, data, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")   # as a write reports it

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(DeckError, match="the disk is full") as caught:
        write_atomic(tmp_path / "page.html", "<html>")
    assert "deleting build/ is safe" in caught.value.fix
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_during_share_is_a_message_and_leaves_no_staging(tmp_path, monkeypatch,
                                                                     capsys):
    import errno
    from pathlib import Path

    from deckkit.cli import main
    from helper import good_decks, write_project

    root = write_project(tmp_path, good_decks())
    real = Path.write_text

    def full_at_the_readme(self, data, *args, **kwargs):
        if ".README.txt." in self.name:   # the README's temporary file, late in the share
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data, *args, **kwargs)

    monkeypatch.setenv("DECKKIT_BROWSER", str(tmp_path / "no-browser"))  # no PDF: quicker
    monkeypatch.setattr(Path, "write_text", full_at_the_readme)
    status = main(["--root", str(root), "share"])
    err = capsys.readouterr().err
    assert status in (1, 2) and "the disk is full" in err, err
    assert "internal error" not in err
    assert not (root / "build" / ".share-staging").exists()
