"""Decks must work with no network: nothing on a slide may load from another host.

Links a student clicks (<a href>, [text](url)) are fine; what a page loads by itself is not —
an <iframe>, <img>, <script>, <link>, <video>, <audio>, <source>, <embed>, <object> or a
markdown image pointing at http(s):// or //host.  The PDF printer blocks such requests, so a
deck that passed here would otherwise fail later, after every deck was executed."""

from __future__ import annotations

import re

from ..errors import Finding

LOADED = re.compile(r"<(iframe|img|script|link|video|audio|source|embed|object)\b[^>]*?"
                    r"\b(?:src|href|data|poster)\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)",
                    re.IGNORECASE)
MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?((?:https?:)?//[^)\s>]+)")
CSS_IMPORT = re.compile(r"@import\s+(?:url\()?[\"']?((?:https?:)?//[^\"')\s]+)", re.IGNORECASE)


def external_resources(text: str) -> list[str]:
    found = [m.group(2) for m in LOADED.finditer(text)]
    found += MD_IMAGE.findall(text) + CSS_IMPORT.findall(text)
    return found


def _output_html(cell) -> str:
    parts = []
    for out in cell.get("outputs", []) or []:
        data = out.get("data", {}) if isinstance(out, dict) else {}
        for mime in ("text/html", "text/markdown", "image/svg+xml"):
            value = data.get(mime)
            parts.append("".join(value) if isinstance(value, list) else str(value or ""))
    return "\n".join(parts)


def check_offline(nb, display: str, markdown: bool = True, outputs: bool = True) -> list[Finding]:
    """Markdown cells as written (before a build) and the HTML outputs of executed code cells
    (after one)."""
    findings = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            text = cell.source if markdown else ""
        else:
            text = _output_html(cell) if outputs else ""
        urls = external_resources(text)
        if urls:
            what = "loads" if cell.cell_type == "markdown" else "outputs HTML that loads"
            findings.append(Finding(
                display, "external-resource",
                f"{what} {urls[0]}" + (f" (and {len(urls) - 1} more)" if len(urls) > 1 else "")
                + "; decks must work offline — save the file next to the deck (or under "
                "figures/) and embed it, or make it a plain link", index, cell.source))
    return findings
