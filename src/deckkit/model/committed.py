"""The committed form of a deck: no outputs or execution counts, only deckkit's own metadata
(what `deckkit clean` writes and `deckkit check` expects)."""

from __future__ import annotations

import copy


def strip_outputs(nb):
    """A copy of ``nb`` with no outputs, execution counts or execution timestamps."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    return nb


CELL_KEYS = ("slideshow", "tags", "deckkit")


def rise_settings(label: str) -> dict:
    """The RISE slideshow settings every deck carries (JupyterLab/Notebook 7 `jupyterlab-rise`):
    an offline-safe theme, scrolling for tall slides, the section and slide number, slides
    aligned to the top like the exported deck (titles do not jump with the content's height),
    and the chalkboard."""
    return {"theme": "white", "transition": "none", "scroll": True, "slideNumber": "c/t",
            "center": False,
            # the presenter's pen: B opens a blackboard, C draws over the slide (jupyterlab-rise
            # bundles reveal.js's chalkboard plugin: nothing is fetched)
            "enable_chalkboard": True,
            "footer": f"<span class='deckkit-rise-footer'>{label}</span>"}


def normalise(nb, label: str):
    """A deck as it is committed: no outputs, and only deckkit's own metadata.  Presenting in
    RISE saves the notebook and rewrites metadata; this undoes that."""
    nb = strip_outputs(nb)
    meta = nb.metadata
    kernelspec = meta.get("kernelspec") or {"display_name": "Python 3", "language": "python",
                                            "name": "python3"}
    nb.metadata = {"kernelspec": kernelspec, "language_info": {"name": "python"},
                   "deckkit": meta.get("deckkit", {}), "rise": rise_settings(label)}
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in CELL_KEYS}
        if cell.cell_type == "code" and "outputs" not in cell:
            cell.outputs = []
    return nb
