"""deckkit: builds, checks and presents the lecture "Neural Networks: NumPy -> PyTorch".

The build and check code lives in ``deckkit.session``, ``deckkit.decks``, ``deckkit.steps``,
``deckkit.checks`` and ``deckkit.export``; the live demos the notebooks call live in
``deckkit.demos`` and never import the build code.
"""

__version__ = "0.1.0"
