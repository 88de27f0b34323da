"""Dates on slides and in notes held to decks/facts.toml, which also draws the timeline."""

import shutil

import pytest

from conftest import REPO
from deckkit.commands.check import check_project
from deckkit.errors import DeckError
from deckkit.model.facts import load_facts
from deckkit.model.project import Project
from helper import NOTES, good_decks, md, write_project


def project_with_facts(tmp_path, decks=None, notes=None):
    root = write_project(tmp_path, decks or good_decks(), notes=notes)
    shutil.copy(REPO / "decks" / "facts.toml", root / "decks" / "facts.toml")
    return Project(root)


def test_the_repositorys_facts_load_with_a_source_each_and_in_time_order():
    events = load_facts(REPO / "decks")
    assert len(events) >= 13 and [e.year for e in events] == sorted(e.year for e in events)
    assert all(len(e.source) > 20 for e in events)
    tf = next(e for e in events if e.label.startswith("TensorFlow open-sourced"))
    assert int(tf.year) == 2015 and "9 Nov 2015" in tf.source


def test_a_slide_that_moves_an_event_to_another_year_is_reported_with_the_source(tmp_path):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(
        md("## History\n\n- **2016 — TensorFlow** is open-sourced\n- **2017 — PyTorch** ships",
           "slide", key="history"))
    notes = dict(NOTES, **{"B_agenda.md": NOTES["B_agenda.md"]
                           + "\n## history · 30 s\n- 2011: AlexNet changes everything\n"})
    findings = [f for f in check_project(project_with_facts(tmp_path, decks, notes))
                if f.code == "fact-date"]
    assert [str(f).split(": says ")[1].split(";")[0] for f in findings] == [
        "TensorFlow in 2016", "AlexNet in 2011"]
    assert findings[0].deck == "decks/B_agenda.ipynb" and findings[0].cell == 3
    assert "9 Nov 2015" in findings[0].message
    assert findings[1].deck == "speaker_notes/B_agenda.md:10"


def test_the_most_specific_name_decides_which_event_a_line_is_about():
    from deckkit.checks.facts import wrong_years

    events = load_facts(REPO / "decks")
    assert wrong_years("TF 2.0 (2019): eager by default, years after TensorFlow", events) == []
    assert wrong_years("- **2022 — `torch.compile`**: ships in PyTorch 2.0 (March 2023)",
                       events) == []
    assert wrong_years("a 2015 paper with no event named", events) == []


def test_a_broken_facts_file_is_a_finding_that_names_the_event_and_field(tmp_path):
    project = project_with_facts(tmp_path)
    path = project.decks_dir / "facts.toml"
    path.write_text(path.read_text().replace('idea = "gpu"', 'idea = "magic"'))
    findings = check_project(project)
    assert [f.code for f in findings] == ["facts"]
    assert "event 3 ('AlexNet wins ILSVRC\\n15.3 % vs 26.2 % top-5') · idea is 'magic', not one " \
        "of graph, gpu, keras, eager, compile" in findings[0].message
    path.write_text("[[event]]\nyear = 2015\n")
    with pytest.raises(DeckError, match="event 1 · lacks label"):
        load_facts(project.decks_dir)


def test_a_project_without_dated_facts_has_nothing_to_check(tmp_path):
    assert check_project(Project(write_project(tmp_path, good_decks()))) == []


def test_a_release_named_inside_a_longer_name_is_judged_by_the_longer_one():
    from deckkit.checks.facts import wrong_years

    events = load_facts(REPO / "decks")
    assert wrong_years("PyTorch 2.0 shipped in 2017", events)  # not the 2017 beta
    assert wrong_years("PyTorch ships in 2017", events) == []


# ---------------------------------------------------------------- the Keras ↔ PyTorch mapping

def test_every_pytorch_name_the_mapping_claims_exists_in_the_installed_torch():
    import importlib

    torch = pytest.importorskip("torch")
    from deckkit.model.facts import load_mappings

    rows = load_mappings(REPO / "decks")
    assert len(rows) >= 11 and all(len(r.source) > 20 for r in rows)
    missing = []
    for row in rows:
        for name in row.torch:
            parts = name.split(".")
            obj = torch
            for depth, part in enumerate(parts[1:], 2):
                try:
                    obj = getattr(obj, part)
                except AttributeError:
                    try:
                        obj = importlib.import_module(".".join(parts[:depth]))
                    except ImportError:
                        missing.append(name)
                        break
    assert missing == [], f"not in torch {torch.__version__}: {missing}"


def test_deck_i_shows_the_mapping_rows_in_order():
    import nbformat

    from deckkit.model.facts import load_mappings, mapping_table

    deck = nbformat.read(str(REPO / "decks" / "I_keras_vs_pytorch.ipynb"), as_version=4)
    cell = next(c for c in deck.cells if c.metadata.get("deckkit", {}).get("generated"))
    assert mapping_table(load_mappings(REPO / "decks")) in cell.source


def mapping_project(tmp_path, table):
    decks = good_decks()
    cell = md(f"Concept mapping\n\n{table}\n\nSame idea, different syntax.", "fragment")
    cell.metadata["deckkit"] = {"generated": "mapping"}
    decks["B_agenda.ipynb"].cells.append(cell)
    return project_with_facts(tmp_path, decks)


def test_a_hand_edited_mapping_table_is_reported_and_clean_rewrites_it_from_the_facts(tmp_path):
    from deckkit.commands.clean import normalise_decks
    from deckkit.model.facts import load_mappings, mapping_table

    good = mapping_table(load_mappings(REPO / "decks"))
    project = mapping_project(tmp_path, good.replace("`opt.zero_grad()`", "`opt.reset()`"))
    findings = check_project(project)
    assert [f.code for f in findings] == ["generated-stale"]
    assert findings[0].cell == 3 and "edit facts.toml, not the table" in findings[0].message
    assert normalise_decks(project) == ["decks/B_agenda.ipynb"]
    deck = (project.decks_dir / "B_agenda.ipynb").read_text()
    assert "opt.reset()" not in deck and "opt.zero_grad()" in deck
    assert "Same idea, different syntax." in deck  # the text around the table stays
    assert check_project(Project(project.root)) == []


def test_an_unknown_generated_table_is_a_metadata_finding(tmp_path):
    decks = good_decks()
    cell = md("## T\n\n| a |\n|---|", "fragment")
    cell.metadata["deckkit"] = {"generated": "glossary"}
    decks["B_agenda.ipynb"].cells.append(cell)
    findings = check_project(project_with_facts(tmp_path, decks))
    assert [f.code for f in findings] == ["deckkit-metadata"]
    assert "'glossary'" in findings[0].message and "mapping" in findings[0].message
