"""Every field of the files deckkit reads, set to every wrong kind of value: `deckkit check`
answers with a message naming the file and the key, never with an internal error (exit 70)."""

import json
import shutil
import tomllib

import pytest

from conftest import REPO
from deckkit.cli import main
from deckkit.model import schema
from helper import SESSION, good_decks, write_project

WRONG = ["text", 7, 2.5, True, ["a", 1], [], {"k": 1}, -5, 10**9, "", "../../escape"]


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"


def toml(data: dict) -> str:
    """A small TOML writer: top-level keys, then arrays of tables."""
    lines = [f"{k} = {toml_value(v)}" for k, v in data.items()
             if not (isinstance(v, list) and v and all(isinstance(t, dict) for t in v))]
    for key, tables in data.items():
        if isinstance(tables, list) and tables and all(isinstance(t, dict) for t in tables):
            for table in tables:
                lines.append(f"\n[[{key}]]")
                lines += [f"{k} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def fits(spec, value) -> bool:
    try:
        schema.validate({"k": value}, {"k": spec}, "here")
    except Exception:
        return False
    return True


def mutations(data: dict, fields: dict, table_key: str | None = None):
    """(key, the data with that key set to a wrong value) for every key and value."""
    for key, spec in fields.items():
        for value in WRONG:
            if fits(spec, value):
                continue
            changed = json.loads(json.dumps(data))
            target = changed[table_key][0] if table_key else changed
            target[key] = value
            yield key, value, changed


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = write_project(tmp_path_factory.mktemp("schema"), good_decks())
    shutil.copy(REPO / "decks" / "facts.toml", root / "decks" / "facts.toml")
    return root


def check(project, capsys) -> tuple[int, str]:
    status = main(["--root", str(project), "check"])
    return status, capsys.readouterr().err


@pytest.mark.parametrize("where, fields", [
    ("session", schema.SESSION), ("section", schema.SECTION)])
def test_every_wrong_value_in_session_toml_is_a_message_naming_the_key(project, capsys, where,
                                                                       fields):
    base = tomllib.loads(SESSION)
    path = project / "decks" / "session.toml"
    tried = 0
    for key, value, changed in mutations(base, fields, "section" if where == "section" else None):
        path.write_text(toml(changed))
        status, err = check(project, capsys)
        assert status not in (0, 70), (key, value, err)
        assert "session.toml" in err and key in err, (key, value, err)
        tried += 1
    path.write_text(SESSION)
    assert check(project, capsys)[0] == 0 and tried >= 5 * len(fields)


@pytest.mark.parametrize("table, fields", [("event", schema.EVENT), ("mapping", schema.MAPPING)])
def test_every_wrong_value_in_facts_toml_is_a_message_naming_the_key(project, capsys, table,
                                                                     fields):
    path = project / "decks" / "facts.toml"
    good = path.read_text()
    base = tomllib.loads(good)
    for key, value, changed in mutations(base, fields, table):
        path.write_text(toml(changed))
        status, err = check(project, capsys)
        assert status not in (0, 70), (key, value, err)
        assert "facts.toml" in err and key in err, (key, value, err)
    path.write_text(good)
    assert check(project, capsys)[0] == 0


def test_unknown_and_missing_keys_are_named_with_the_fix(project, capsys):
    path = project / "decks" / "session.toml"
    path.write_text(SESSION.replace("minutes = 2\n", "minuts = 2\n", 1))
    status, err = check(project, capsys)
    assert status != 0 and "unknown key 'minuts'" in err and "did you mean 'minutes'?" in err
    path.write_text("\n".join(line for line in SESSION.splitlines()
                              if not line.startswith("slug")) + "\n")
    status, err = check(project, capsys)
    assert status != 0 and "section 1 ('Hero') · lacks slug" in err and 'slug = "' in err
    path.write_text(SESSION.replace('slug = "hero"', 'slug = "../../outside"'))
    status, err = check(project, capsys)
    assert status != 0 and "slug is '../../outside'" in err
    path.write_text(SESSION)


CELL_KEYS = {"deckkit": ["key", "highlight", "runs_for", "materials", "inputs"],
             "slideshow": ["slide_type", "data"], None: ["tags", "deckkit", "slideshow"]}
NOTEBOOK_KEYS = {"deckkit": ["section", "inputs", "exclusive"], "rise": ["scroll", "footer"],
                 None: ["deckkit", "rise", "kernelspec"]}


def test_no_wrong_value_in_a_decks_metadata_is_an_internal_error(tmp_path, capsys):
    """deckkit's and reveal's keys, on a slide's cell and on the notebook, each set to each
    wrong kind of value."""
    tried = 0
    for scope, groups in (("cell", CELL_KEYS), ("notebook", NOTEBOOK_KEYS)):
        for group, keys in groups.items():
            for key in keys:
                for value in WRONG[:7] + [None]:
                    decks = good_decks()
                    nb = decks["A_hero.ipynb"]
                    meta = nb.cells[1].metadata if scope == "cell" else nb.metadata
                    target = meta if group is None else meta.setdefault(group, {})
                    target[key] = value
                    root = write_project(tmp_path / f"p{tried}", decks)
                    status = main(["--root", str(root), "check"])
                    assert status != 70, (scope, group, key, value, capsys.readouterr().err)
                    capsys.readouterr()
                    tried += 1
    assert tried > 100


def test_nan_and_inf_are_not_minutes_or_years(project, capsys):
    path = project / "decks" / "session.toml"
    for value in ("nan", "inf", "-inf"):
        path.write_text(SESSION.replace("minutes = 2\n", f"minutes = {value}\n", 1))
        status, err = check(project, capsys)
        assert status == 2 and f"minutes is {float(value)!r}, not a finite number" in err
    path.write_text(SESSION)
    facts = project / "decks" / "facts.toml"
    good = facts.read_text()
    facts.write_text(good.replace("year = 2007.0", "year = inf", 1))
    status, err = check(project, capsys)
    assert status != 0 and "year is inf, not a finite number" in err
    facts.write_text(good)


def test_adopt_refuses_minutes_that_are_not_a_length():
    from deckkit.commands.adopt import share_out
    from deckkit.errors import DeckError

    for minutes in (float("nan"), float("inf"), 1e9):
        with pytest.raises(DeckError, match="is not a section's length"):
            share_out(minutes, 3)
