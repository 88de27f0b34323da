"""What Python code imports, read from its text (never run): deckkit's own modules and the other
top-level modules, for a package file or a notebook cell.  The student package follows it to
ship the notebook side; adopt names what is not installed; a test holds each folder of deckkit
to what its role allows."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def package_imports(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every deckkit module the file ``path`` (inside the package folder ``root``) imports, as
    a dotted name relative to the package ("__init__" for the package itself)."""
    package = list(path.relative_to(root).parts[:-1])
    return python_imports(ast.parse(path.read_text(encoding="utf-8")), package)[0]


def python_imports(tree: ast.AST, package: list[str]) -> tuple[set[str], set[str]]:
    """(deckkit modules, other top-level modules) imported anywhere in ``tree``: lazy imports
    inside functions count, since a demo may reach them."""
    ours, others = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                ours.add(".".join(base + node.module.split(".")))
            else:
                ours |= {".".join(base + [a.name]) or "__init__" for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            if top == "deckkit" and node.module == "deckkit":
                ours |= {a.name for a in node.names}
            elif top == "deckkit":
                ours.add(node.module.removeprefix("deckkit."))
            elif top != "__future__":
                others.add(top)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("deckkit."):
                    ours.add(alias.name.removeprefix("deckkit."))
                elif alias.name != "deckkit":
                    others.add(alias.name.split(".")[0])
    ours = {"__init__" if m.startswith("__version__") else m for m in ours}
    return ours, others


def cell_imports(source: str) -> tuple[set[str], set[str]]:
    """What a code cell imports; IPython's %magic and !shell lines are left out, and a cell
    that is not Python is ignored (verify_run still runs it)."""
    python = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                       for line in source.splitlines())
    try:
        return python_imports(ast.parse(python), [])
    except SyntaxError:
        return set(), set()
