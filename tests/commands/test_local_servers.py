"""What deckkit serves answers only the presenter's own browser: preview refuses other host
names (DNS rebinding), cross-origin or secret-less reports, unbounded or deep bodies, directory
listings and links out of build/html; present keeps its token out of `ps` and of readable files."""

import http.client
import json
import os
import stat
import time

import pytest

from deckkit.commands import present as present_module
from deckkit.commands.preview import Preview
from deckkit.model.project import Project
from helper import good_decks, write_project


@pytest.fixture
def served(tmp_path):
    root = write_project(tmp_path, good_decks())
    preview = Preview(Project(root), say=lambda m: None)
    html = Project(root).layout.html_dir()
    (html / "A_hero.slides.html").write_text("<html><body>slides</body></html>")
    (html / "assets").mkdir()
    (html / "assets" / "deck.css").write_text("a { color: red }")
    (html / "out").symlink_to(tmp_path / "decks")  # a link out of the served folder
    preview.rehearsal.keys = frozenset({"intro", "answer"})
    preview.start()
    yield preview
    preview.stop()


def ask(preview, method, path, host=None, body=None, headers=()):
    port = preview.server.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    sent = {"Host": host or f"127.0.0.1:{port}", **dict(headers)}
    if isinstance(body, str):
        body = body.encode()
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for key, value in sent.items():
        conn.putheader(key, value)
    conn.endheaders(body)
    reply = conn.getresponse()
    text = reply.read().decode("utf-8", "replace")
    conn.close()
    return reply.status, text


def report(preview, body, origin="own", secret=None, length=None):
    port = preview.server.server_address[1]
    headers = {"Content-Length": str(len(body.encode()) if length is None else length)}
    if origin:
        headers["Origin"] = f"http://127.0.0.1:{port}" if origin == "own" else origin
    path = f"/__deckkit/rehearsal?secret={secret or preview.rehearsal.secret}"
    return ask(preview, "POST", path, body=body if length is None else None, headers=headers)


def test_a_request_for_another_host_name_is_refused_and_the_local_names_are_answered(served):
    port = served.server.server_address[1]
    for path in ("/A_hero.slides.html", "/assets/deck.css", "/__deckkit/events"):
        assert ask(served, "GET", path, host="evil.example")[0] == 403, path
        assert ask(served, "GET", path, host=f"evil.example:{port}")[0] == 403, path
    assert ask(served, "HEAD", "/assets/deck.css", host="evil.example")[0] == 403
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        assert ask(served, "GET", "/assets/deck.css", host=host)[0] == 200, host


def test_only_a_same_origin_report_with_the_runs_secret_is_written(served):
    body = json.dumps({"intro": 12.5})
    assert report(served, body, origin=None)[0] == 403
    assert report(served, body, origin="https://evil.example")[0] == 403
    assert report(served, body, secret="guessed")[0] == 403
    assert ask(served, "POST", f"/__deckkit/rehearsal?secret={served.rehearsal.secret}",
               host="evil.example", body=body)[0] == 403
    assert not served.rehearsal.path.exists()
    assert report(served, json.dumps({"intro": 12.5, "<img src=x onerror=alert(1)>": 3}))[0] == 204
    saved = json.loads(served.rehearsal.path.read_text())
    assert saved["slides"] == {"intro": 12.5}          # a key of no slide is not kept


def test_bodies_are_bounded_in_size_and_depth_and_always_answered(served):
    assert report(served, "[" * 90_000)[0] == 400      # deep JSON: an answer, not a dropped line
    assert report(served, "", length="-1")[0] == 411
    assert report(served, "", length=str(10**9))[0] == 413   # refused before reading
    assert report(served, '"just a string"')[0] == 400
    assert not served.rehearsal.path.exists()


def test_no_listing_no_link_out_of_the_folder_and_a_nul_byte_is_a_plain_404(served):
    assert ask(served, "GET", "/")[0] == 404
    assert ask(served, "GET", "/assets/")[0] == 404
    assert ask(served, "GET", "/out/session.toml")[0] == 404   # the file exists behind the link
    assert ask(served, "GET", "/%00")[0] == 404
    assert ask(served, "GET", "/x%00.html")[0] == 404
    assert ask(served, "GET", "/assets/deck.css")[0] == 200    # still answering


def test_the_served_page_carries_the_secret_and_its_address_does_not(served):
    status, page = ask(served, "GET", "/A_hero.slides.html")
    assert status == 200 and f"secret={served.rehearsal.secret}" in page
    assert served.rehearsal.secret not in served.url


def test_present_opens_the_browser_on_a_private_file_not_on_the_tokened_address(
        monkeypatch, tmp_path):
    opened = []

    def slow_browser(url):
        opened.append(url)
        time.sleep(5)   # a BROWSER command that waits until the window is closed

    monkeypatch.setattr(present_module.webbrowser, "open", slow_browser)
    url = "http://127.0.0.1:8888/rise/build/present/F.ipynb?token=SECRET-TOKEN"
    started = time.monotonic()
    folder = present_module.open_privately(url)
    assert time.monotonic() - started < 2
    deadline = time.monotonic() + 5
    while not opened and time.monotonic() < deadline:
        time.sleep(0.05)
    page = folder / "open-slideshow.html"
    assert opened == [page.as_uri()] and "SECRET-TOKEN" not in opened[0]
    assert "SECRET-TOKEN" in page.read_text()
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_the_server_log_with_the_token_is_readable_by_the_presenter_alone(tmp_path):
    log = tmp_path / "present.log"
    log.write_text("old run")
    os.chmod(log, 0o644)
    with present_module.private_log(log) as fh:
        fh.write("http://127.0.0.1:8888/lab?token=SECRET\n")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert log.read_text() == "http://127.0.0.1:8888/lab?token=SECRET\n"


def test_a_second_present_of_the_same_project_is_refused_until_the_first_ends(tmp_path):
    import subprocess
    import sys

    from deckkit.errors import DeckError

    folder = tmp_path / "build" / "present"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\n"
                               "from pathlib import Path\n"
                               "from deckkit.commands.present import claim_room\n"
                               f"claim_room(Path({str(folder)!r})); print('held', flush=True)\n"
                               "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DeckError, match=f"another `deckkit present` of this project is "
                                            f"running \\(process {holder.pid}\\)"):
            present_module.claim_room(folder)
    finally:
        holder.kill()
        holder.wait()
    claim = present_module.claim_room(folder)   # its process ended: the claim was stale
    assert claim.read_text() == str(os.getpid())
    claim.unlink()
