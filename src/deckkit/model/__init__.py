"""What a deckkit project is, read from disk and never written back: the session
(decks/session.toml), the deck notebooks, their speaker notes, where slides start, and the
committed form of a deck.  ``Project.resolve()`` gives one DeckRecord per deck."""
