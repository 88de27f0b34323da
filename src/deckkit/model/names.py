"""Names made from titles: file names, slide keys, the student package's archive."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, sep: str = "-", limit: int | None = None) -> str:
    """Lower-case ASCII words of ``text`` joined by ``sep``, whole words only up to ``limit``
    characters: "Neural Networks: NumPy → PyTorch" -> "neural-networks-numpy-pytorch"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = ""
    for word in re.findall(r"[a-z0-9]+", plain.lower()):
        if limit is not None and len(out) + len(word) + 1 > limit:
            break
        out = f"{out}{sep}{word}" if out else word
    return out
