import subprocess
import sys

import pytest

from helper import code, good_decks, write_project

pytestmark = pytest.mark.slow


def run_pytest(cwd, *args):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def test_each_deck_is_an_item_and_a_failure_names_deck_and_cell(tmp_path):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(code("h = relu(x @ W1 + b1)"))
    write_project(tmp_path, decks)
    # --show-capture=no: the kernel's own stderr (ipykernel sometimes logs a shutdown
    # traceback) is not part of the failure report this test reads
    proc = run_pytest(tmp_path, "--decks", "decks", "-q", "--show-capture=no")
    assert proc.returncode == 1
    assert "1 failed, 1 passed" in proc.stdout
    assert 'decks/B_agenda.ipynb cell 3 ("h = relu(x @ W1 + b1)"): raised NameError' in proc.stdout
    assert "Traceback" not in proc.stdout


def test_without_the_flag_notebooks_are_not_collected(tmp_path):
    write_project(tmp_path, good_decks())
    proc = run_pytest(tmp_path, "decks", "-q")
    assert proc.returncode == 5  # nothing collected: the plugin stays out of the way
