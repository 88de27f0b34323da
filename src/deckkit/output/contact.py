"""A contact sheet: one PNG per slide of a built deck and one grid image of them all, so a
person can review the whole talk at a glance.  Also reports slides whose content overflows and,
element by element, what falls short of the room's standard (output/legibility.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import need_module
from ..model.layout import atomic_path
from . import browser, legibility

# A slide whose content ends above this share of its height leaves the lower part empty: it is
# redesigned (a picture drawn at the size the slide allows, a list drawn as the comparison it
# is) or marked a deliberate statement (metadata.deckkit.layout = "statement").
MIN_FILL = 0.55


@dataclass
class ContactSheet:
    sheet: Path | None   # the grid image (None when no pictures were taken)
    slides: list[Path] = field(default_factory=list)
    overflowing: list[dict] = field(default_factory=list)
    broken: list[dict] = field(default_factory=list)   # maths errors, error output on a slide
    blocked: list[str] = field(default_factory=list)
    illegible: list[legibility.Problem] = field(default_factory=list)
    # slides whose content ends above MIN_FILL of the height, not marked as statements
    sparse: list[dict] = field(default_factory=list)
    measured: int = 0    # slides walked and measured, pictured or not

    @property
    def ok(self) -> bool:
        return not (self.overflowing or self.broken or self.blocked or self.illegible
                    or self.sparse)


def _pillow():
    return need_module("PIL.Image", "the contact sheet",
                       "pip install pillow (it comes with matplotlib)")


def contact_sheet(deck: Path, out_dir: Path | None, columns: int = 6,
                  progress=lambda msg: None, each_slide=None,
                  pictures: bool = True) -> ContactSheet:
    """``each_slide(page, info)``, when given, is called on every slide once it is shot and
    measured (another check on the same walk, e.g. an accessibility scan).  ``pictures=False``
    measures every slide as the sheet does and takes no picture (a check that reads only the
    findings; ``out_dir`` is then not used)."""
    if pictures:
        image = _pillow()
        out_dir.mkdir(parents=True, exist_ok=True)
        for old in out_dir.glob("slide-*.png"):
            old.unlink()
    shots, overflowing, broken, illegible, sparse, measured = [], [], [], [], [], 0
    with browser.open_deck(deck) as session:
        total = browser.slide_count(session.page)
        theme = session.page.evaluate("document.body.dataset.deckkitTheme || 'default'")
        floor = legibility.MIN_CONTRAST.get(theme, legibility.MIN_CONTRAST["default"])
        for info in browser.walk(session.page):
            measured += 1
            if pictures:
                path = out_dir / f"slide-{info['index'] + 1:03d}.png"
                with atomic_path(path) as tmp:
                    session.page.screenshot(path=str(tmp), type="png")
                shots.append(path)
            if info["overflow"]:
                overflowing.append(info)
            if info["broken"]:
                broken.append(info)
            if info["fill"] < MIN_FILL and info["layout"] != "statement":
                sparse.append(info)
            illegible += legibility.judge(session.page.evaluate(legibility.MEASURE,
                                                                info["index"]), floor)
            if each_slide is not None:
                each_slide(session.page, info)
            if (info["index"] + 1) % 10 == 0:
                progress(f"contact sheet: {info['index'] + 1}/{total} slides")
        blocked = list(session.blocked)
    if not pictures:
        return ContactSheet(None, [], overflowing, broken, blocked, illegible, sparse, measured)
    thumb_w, thumb_h = 320, 180
    rows = (len(shots) + columns - 1) // columns
    grid = image.new("RGB", (columns * thumb_w, max(rows, 1) * thumb_h), "white")
    for i, path in enumerate(shots):
        with image.open(path) as img:
            img = img.convert("RGB").resize((thumb_w - 4, thumb_h - 4))
            grid.paste(img, ((i % columns) * thumb_w + 2, (i // columns) * thumb_h + 2))
    sheet = out_dir / "contact-sheet.png"
    with atomic_path(sheet) as tmp:
        grid.save(tmp, format="PNG")
    return ContactSheet(sheet, shots, overflowing, broken, blocked, illegible, sparse, measured)
