"""The deck's visual system in one place: colours with named roles, the type family and the
sizes that the reveal theme, the RISE look, Matplotlib charts and Mermaid diagrams all read.

A colour keeps its meaning across every chart and diagram of the talk: green is always a
run that trains as it should, vermillion always the thing that fails or is slow, blue always
NumPy, and so on.  Each role has three shades:

- ``colour`` for lines, bars, markers and borders (at least 3:1 on white, WCAG's floor for
  graphics);
- ``ink`` for text drawn in the role's colour (at least 4.5:1 on white and on its tint);
- ``tint`` for the fill of a box or a band behind text of the deck's ink.

Standard library only: deck cells (through deckkit.demos) and the build both import it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Role:
    colour: str
    ink: str
    meaning: str

    @property
    def tint(self) -> str:
        return mix(self.colour, WHITE, 0.13)


WHITE = "#ffffff"
INK = "#1b1b1b"          # body text
HEADING = "#1f3a5f"      # headings, the structure of a diagram
LINK = "#1f5fa8"
MUTED = "#4a5a6e"        # footers, captions, a diagram's arrows
PANEL = "#f2f5fa"        # a diagram's node, a card
PANEL_EDGE = "#c3cedd"
GROUP = "#fafbfd"        # a diagram's group (subgraph) behind its panels
CODE_BOX = "#f5f5f5"

ROLES: dict[str, Role] = {
    "healthy": Role("#009e73", "#00704f", "a run that trains as it should; the reference"),
    "failing": Role("#d55e00", "#a63f00", "what fails or is slow: a broken run, a Python loop"),
    "numpy": Role("#0072b2", "#005a8c", "NumPy: arrays on the CPU"),
    "pytorch": Role("#c98500", "#8a5a00", "PyTorch, and eager execution"),
    "keras": Role("#cc79a7", "#8e3c6e", "Keras"),
    "gpu": Role("#3a93c8", "#236c99", "the GPU"),
    "cpu": Role("#8c564b", "#8c564b", "the CPU"),
    "static": Role("#8b7a00", "#5e5200", "static graphs: Theano, TensorFlow 1"),
    "compile": Role("#7b4fa0", "#5f3a80", "compilers: XLA, JAX, torch.compile"),
    "neutral": Role("#6b7785", MUTED, "context: reference lines, data points"),
}

FONT = "Source Sans Pro"
FONT_STACK = f'"{FONT}", Helvetica, sans-serif'
CODE_FONT_STACK = '"DejaVu Sans Mono", "Liberation Mono", monospace'
# reveal.js ships the font (sphinx-revealjs carries reveal): the files a picture embeds
FONT_FILES = {"regular": "source-sans-pro-regular.ttf",
              "semibold": "source-sans-pro-semibold.ttf"}


def colour(role: str) -> str:
    return ROLES[role].colour


def ink(role: str) -> str:
    return ROLES[role].ink


def mix(a: str, b: str, share_of_a: float) -> str:
    """``share_of_a`` of colour ``a`` over ``b``, as #rrggbb."""
    ca, cb = _rgb(a), _rgb(b)
    return "#" + "".join(f"{round(x * share_of_a + y * (1 - share_of_a)):02x}"
                         for x, y in zip(ca, cb))


def _rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(value: str) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c / 255) for c in _rgb(value))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def known_colours() -> set[str]:
    """Every colour the system defines (lower-case #rrggbb): a picture using any other is off
    the palette."""
    fixed = {WHITE, INK, HEADING, LINK, MUTED, PANEL, PANEL_EDGE, GROUP, CODE_BOX, "#000000"}
    roles = {c for r in ROLES.values() for c in (r.colour, r.ink, r.tint)}
    return {normal(c) for c in fixed | roles}


def normal(value: str) -> str:
    """#rgb or #rrggbb as lower-case #rrggbb."""
    return "#" + "".join(f"{x:02x}" for x in _rgb(value))


# ------------------------------------------------------------------ the stylesheet's half

def css_variables() -> str:
    """``:root`` custom properties for the slides' stylesheets (export and RISE)."""
    lines = [f"  --deckkit-{name}: {role.colour};\n  --deckkit-{name}-ink: {role.ink};\n"
             f"  --deckkit-{name}-tint: {role.tint};" for name, role in ROLES.items()]
    # a card, box or chip of class deckkit-role-<role> takes the role's colour, text colour
    # and tint
    roles = "".join(f".reveal .deckkit-role-{name} {{ --deckkit-role: var(--deckkit-{name}); "
                    f"--deckkit-role-ink: var(--deckkit-{name}-ink); "
                    f"--deckkit-role-tint: var(--deckkit-{name}-tint); }}\n"
                    for name in ROLES)
    return (":root {\n" + "\n".join(lines)
            + f"\n  --deckkit-ink: {INK};\n  --deckkit-heading: {HEADING};\n"
              f"  --deckkit-link: {LINK};\n  --deckkit-muted: {MUTED};\n"
              f"  --deckkit-panel: {PANEL};\n  --deckkit-panel-edge: {PANEL_EDGE};\n}}\n"
            + roles)


# ------------------------------------------------------------------ Mermaid

def mermaid_theme(font_px: int = 20) -> dict:
    """Mermaid's ``base`` theme set from the palette: navy structure on pale panels, the
    deck's font, no stock lavender or yellow."""
    return {"theme": "base",
            "themeVariables": {
                "fontFamily": FONT_STACK, "fontSize": f"{font_px}px",
                "primaryColor": PANEL, "primaryBorderColor": HEADING,
                "primaryTextColor": INK, "secondaryColor": WHITE, "tertiaryColor": WHITE,
                "lineColor": MUTED, "textColor": INK, "mainBkg": PANEL,
                "nodeBorder": HEADING, "clusterBkg": GROUP, "clusterBorder": PANEL_EDGE,
                "titleColor": HEADING, "edgeLabelBackground": WHITE, "background": WHITE},
            # an arrow's label on a solid white ground (Mermaid draws it at half opacity, so
            # the line shows through the words)
            "themeCSS": ".edgeLabel rect { opacity: 1 !important; }"}


def mermaid_classes() -> str:
    """One ``classDef`` per role, so a diagram says ``A:::gpu`` and gets the GPU's colours."""
    return "\n".join(f"classDef {name} fill:{role.tint},stroke:{role.colour},"
                     f"stroke-width:2px,color:{INK}" for name, role in ROLES.items())


# ------------------------------------------------------------------ Matplotlib

def font_path(weight: str = "regular") -> Path | None:
    """The deck's font file (from reveal.js, which sphinx-revealjs installs), or None."""
    try:
        spec = importlib.util.find_spec("sphinx_revealjs")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    path = (Path(spec.origin).parent / "_static" / "revealjs" / "dist" / "theme" / "fonts"
            / "source-sans-pro" / FONT_FILES[weight])
    return path if path.is_file() else None


def mpl_style() -> dict:
    """rcParams for every chart of the talk: the deck's font where it is installed, its ink
    and muted greys, no top/right spines, the roles' colours as the cycle."""
    from cycler import cycler  # a Matplotlib dependency: only called where Matplotlib is

    cycle = [ROLES[r].colour for r in ("numpy", "pytorch", "healthy", "failing", "keras",
                                       "gpu", "compile", "static", "cpu")]
    # font.family lists the fonts themselves, not "sans-serif": Matplotlib then takes a glyph
    # the deck's font lacks (σ, ², →) from DejaVu Sans, which ships with Matplotlib
    return {"font.family": [FONT, "DejaVu Sans"],
            "font.sans-serif": [FONT, "DejaVu Sans", "Helvetica", "Arial"],
            "text.color": INK, "axes.labelcolor": INK, "axes.titlecolor": HEADING,
            "axes.titleweight": "normal", "axes.edgecolor": MUTED,
            "xtick.color": MUTED, "ytick.color": MUTED, "xtick.labelcolor": INK,
            "ytick.labelcolor": INK, "axes.spines.top": False, "axes.spines.right": False,
            "axes.prop_cycle": cycler(color=cycle), "grid.color": PANEL_EDGE,
            "legend.frameon": False, "figure.facecolor": WHITE, "axes.facecolor": WHITE,
            "savefig.facecolor": WHITE}


_FONT_FOUND: bool | None = None   # the deck's font registered with Matplotlib (once)


def use_mpl_style() -> None:
    """Apply mpl_style() (on every call: something may have reset Matplotlib's settings since),
    registering the deck's font with Matplotlib the first time."""
    global _FONT_FOUND
    import matplotlib

    if _FONT_FOUND is None:
        _FONT_FOUND = _register_font()
    style = mpl_style()
    if not _FONT_FOUND:  # no warning per label about a font that is not there
        style["font.sans-serif"] = style["font.sans-serif"][1:]
        style["font.family"] = style["font.family"][1:]
    matplotlib.rcParams.update(style)


def _register_font() -> bool:
    from matplotlib import font_manager

    found = False
    for weight in FONT_FILES:
        path = font_path(weight)
        if path is not None:
            try:
                font_manager.fontManager.addfont(str(path))
                found = True
            except (OSError, RuntimeError, ValueError):
                pass  # an unreadable file: the chart falls back to DejaVu Sans
    return found
