"""The atomic writer: whole files or nothing, never a temporary file left behind."""

import os

import pytest

from deckkit.output.layout import atomic_path, write_atomic


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
