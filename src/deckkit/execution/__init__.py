"""Running decks' code: one kernel per deck (kernel.py), several decks at once (parallel.py),
and the content-addressed cache that lets a build skip decks whose code did not change."""
