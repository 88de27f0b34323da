"""The materials link: session.toml's materials_url on the slides that ask for it."""

import pytest

from deckkit.commands.check import check_project
from deckkit.errors import DeckError
from deckkit.model.project import Project
from deckkit.model.session import load_session
from deckkit.steps.materials import materials_html
from helper import good_decks, md, write_project

URL = "https://example.org/course/nn/"


def with_materials_cell(tmp_path, url_line):
    decks = good_decks()
    cell = md("Thanks for coming", "fragment")
    cell.metadata["deckkit"] = {"materials": "qr"}
    decks["B_agenda.ipynb"].cells.append(cell)
    root = write_project(tmp_path, decks)
    session = root / "decks" / "session.toml"
    session.write_text(url_line + session.read_text())
    return Project(root)


def test_the_link_and_qr_code_are_inline_with_a_text_alternative():
    out = materials_html(URL)
    assert f'<a href="{URL}">{URL}</a>' in out
    assert f'role="img" aria-label="QR code for {URL}"' in out and "<title>" in out
    assert "http" not in out.replace(URL, "").replace("http://www.w3.org", "")  # nothing loads


def test_for_jupyterlab_the_qr_code_is_a_whole_svg_picture_with_its_alt_text():
    import re
    from urllib.parse import unquote

    out = materials_html(URL, image=True)
    src = re.search(r'<img class="deckkit-qr" data-no-text="true" alt="QR code for ([^"]+)" '
                    r'src="data:image/svg\+xml;charset=utf-8,([^"]+)"', out)
    assert src and src.group(1) == URL
    # a whole document, with its namespace, or the browser draws nothing
    assert "<svg" not in out and "xmlns='http://www.w3.org/2000/svg'" in unquote(src.group(2))
    assert f'<a href="{URL}">{URL}</a>' in out


def test_a_slide_asking_for_materials_without_a_url_is_a_finding_with_the_fix(tmp_path):
    findings = check_project(with_materials_cell(tmp_path, ""))
    assert [f.code for f in findings] == ["materials"]
    assert "materials_url" in findings[0].message and findings[0].cell == 3


def test_with_a_url_the_deck_checks_clean(tmp_path):
    assert check_project(with_materials_cell(tmp_path, f'materials_url = "{URL}"\n')) == []


def test_a_materials_url_that_is_not_a_web_address_is_refused(tmp_path):
    project = with_materials_cell(tmp_path, 'materials_url = "course page"\n')
    with pytest.raises(DeckError, match="materials_url is 'course page'"):
        load_session(project.decks_dir)
