"""The slide themes `deckkit build --theme` offers: reveal.js's stylesheet for each, and the
deckkit stylesheet laid over deckkit.css (None: nothing more).  Kept free of heavy imports so
the command line can list the names."""

THEMES = {"default": ("reveal/theme/white.css", None),
          "high-contrast": ("reveal/theme/white-contrast.css", "deckkit-contrast.css")}
THEME_NAMES = tuple(THEMES)
