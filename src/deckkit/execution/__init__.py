"""Running decks' code: one kernel per deck (kernel.py), forked from a process that has done
the decks' shared imports (fork.py), several decks at once (parallel.py), and the
content-addressed cache that lets a build skip decks whose code did not change."""
