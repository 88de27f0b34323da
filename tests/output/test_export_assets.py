"""The offline assets come from installed packages at fixed paths; a new release that moves
them must fail here, by name, rather than in a student's browser."""

from deckkit.output.export import asset_sources


def test_every_offline_asset_is_where_deckkit_takes_it_from():
    missing = [f"{rel} <- {src}" for rel, src in asset_sources().items() if not src.exists()]
    assert missing == [], ("sphinx-revealjs or jupyter-server-mathjax moved an asset; pin the "
                           "version in pyproject.toml or update output/export.py: "
                           + "; ".join(missing))


def test_the_reading_plugins_ship_offline():
    sources = asset_sources()
    for plugin in ("notes", "search", "zoom"):
        path = sources[f"reveal/plugin/{plugin}/{plugin}.js"]
        assert path.stat().st_size > 1000 and b"Reveal" in path.read_bytes()[:20000]
