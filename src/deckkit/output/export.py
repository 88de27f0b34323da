"""nbconvert configured in one place, and the offline assets a page needs (copied from
installed packages into build/html/assets, swapped in as a whole folder)."""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

from nbconvert import SlidesExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

from ..errors import DeckError, need_module
from ..model.sanitise import clean
from .themes import THEMES

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
TEMPLATE = TEMPLATES / "deckkit"
REVEAL = {"width": 1280, "height": 720, "margin": 0.04, "hash": True, "slideNumber": "c/t",
          "controls": True, "progress": True, "transition": "slide", "center": False,
          # printing (?print-pdf): one page per slide, fragments shown merged
          "pdfSeparateFragments": False, "pdfMaxPagesPerSlide": 1,
          # zoom: Alt+click on every platform (the plugin defaults to Ctrl on Linux)
          "zoomKey": "alt"}


def _package_dir(module: str, pip_name: str) -> Path:
    mod = need_module(module, "the offline slide assets", f"pip install {pip_name}")
    return Path(mod.__file__).parent


def asset_sources() -> dict[str, Path]:
    """Where each offline asset comes from: installed packages, never the network."""
    reveal = _package_dir("sphinx_revealjs", "sphinx-revealjs") / "_static" / "revealjs"
    mathjax = _package_dir("jupyter_server_mathjax", "jupyter-server-mathjax") / "static"
    return {
        "reveal/reset.css": reveal / "dist" / "reset.css",
        "reveal/reveal.css": reveal / "dist" / "reveal.css",
        "reveal/reveal.js": reveal / "dist" / "reveal.js",
        "reveal/theme/white.css": reveal / "dist" / "theme" / "white.css",
        "reveal/theme/white-contrast.css": reveal / "dist" / "theme" / "white-contrast.css",
        "reveal/theme/fonts/source-sans-pro": reveal / "dist" / "theme" / "fonts" / "source-sans-pro",
        "reveal/plugin/notes/notes.js": reveal / "plugin" / "notes" / "notes.js",
        "reveal/plugin/search/search.js": reveal / "plugin" / "search" / "search.js",
        "reveal/plugin/zoom/zoom.js": reveal / "plugin" / "zoom" / "zoom.js",
        "mathjax/MathJax.js": mathjax / "MathJax.js",
        "mathjax/config": mathjax / "config",
        "mathjax/extensions": mathjax / "extensions",
        "mathjax/jax/input/TeX": mathjax / "jax" / "input" / "TeX",
        "mathjax/jax/element": mathjax / "jax" / "element",
        "mathjax/jax/output/HTML-CSS": mathjax / "jax" / "output" / "HTML-CSS",
        "mathjax/fonts/HTML-CSS/STIX-Web": mathjax / "fonts" / "HTML-CSS" / "STIX-Web",
        "deckkit.css": TEMPLATE / "deckkit.css",
        "deckkit-contrast.css": TEMPLATE / "deckkit-contrast.css",
        "deckkit.js": TEMPLATE / "deckkit.js",
    }


def stylesheet() -> str:
    """deckkit.css as the slides load it: the palette's custom properties first, so every
    colour the stylesheet names comes from the one visual system (deckkit.palette)."""
    from .. import palette

    return palette.css_variables() + (TEMPLATE / "deckkit.css").read_text(encoding="utf-8")


def write_assets(html_dir: Path) -> Path:
    """Copy every asset into ``html_dir/assets``, swapping the whole folder in at the end."""
    from ..model.layout import unwritable

    try:
        html_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".assets-", dir=html_dir))
    except OSError as exc:
        raise unwritable(html_dir / "assets", exc) from None
    try:
        for rel, src in asset_sources().items():
            if not src.exists():
                raise DeckError(f"offline asset missing: {src}",
                                fix="reinstall the package that ships it")
            dst = staging / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst)
            elif rel == "deckkit.css":  # the palette's variables, then the stylesheet
                dst.write_text(stylesheet(), encoding="utf-8", newline="\n")
            else:
                shutil.copy2(src, dst)
        os.chmod(staging, 0o755)
        final = html_dir / "assets"
        old = html_dir / f".assets-old-{os.getpid()}"
        if final.exists():
            final.rename(old)
        staging.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        return final
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def theme_styles(theme: str) -> tuple[str, str | None]:
    if theme not in THEMES:
        raise DeckError(f"unknown theme {theme!r}", fix=f"use one of: {', '.join(THEMES)}")
    return THEMES[theme]


def slides_html(nb, title: str, total_seconds: float = 0, theme: str = "default",
                sanitise: bool = False) -> str:
    """The reveal.js page for one (executed) notebook, through deckkit's template.
    ``total_seconds`` becomes reveal.js's totalTime: the speaker view's pacing line.
    ``sanitise``: every cell's HTML through model/sanitise.clean (the student build)."""
    theme_css, extra_css = theme_styles(theme)
    reveal = dict(REVEAL, totalTime=round(total_seconds)) if total_seconds else REVEAL
    resources = {"deckkit": {"title": title, "reveal": reveal, "theme": theme,
                             "theme_css": theme_css, "extra_css": extra_css,
                             "maths": has_maths(nb), "sanitise": sanitise,
                             "audience": "student" if sanitise else "presenter"}}
    with _EXPORTING:
        body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


_EXPORTING = threading.Lock()
# What MathJax's tex2jax would typeset (generously: a false alarm only loads MathJax)
MATHS = re.compile(r"\$[^$\n]+\$|\$\$|\\\(|\\\[|\\begin\{")


def has_maths(nb) -> bool:
    """Whether a page needs MathJax: maths in a markdown cell, a LaTeX or HTML output with
    maths.  A page without any loads no MathJax (it is the slowest part of opening a page:
    about 0.8 s here for deck C's eleven formulas)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and MATHS.search(cell.source):
            return True
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if "text/latex" in data or MATHS.search(str(data.get("text/html", ""))):
                return True
    return False


@functools.lru_cache(maxsize=1)
def _exporter() -> SlidesExporter:
    """One exporter per process: its Jinja templates are compiled once (a quarter of a
    second a page otherwise, which `deckkit preview` paid on every save)."""
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    config.TagRemovePreprocessor.enabled = True
    exporter = SlidesExporter(config=config, template_name="deckkit",
                              extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_anchor_links = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    exporter.register_filter("deckkit_clean", clean)
    return exporter
