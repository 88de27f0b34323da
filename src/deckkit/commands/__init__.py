"""Each command as a library call that returns a result (findings, outputs); only deckkit.cli
turns results into messages and exit codes."""
