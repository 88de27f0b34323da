"""deckkit: builds, checks and presents the lecture "Neural Networks: NumPy -> PyTorch".

The package reads like the pipeline (see README.md, "Architecture"):

    model/       what a project is: session, decks, speaker notes, slides, the committed form
    checks/      pure checks: records in, findings out
    steps/       notebook -> notebook transforms, one contract, listed in order in one place
    execution/   kernels, parallel runs and the execution cache
    output/      the build/ layout and atomic writer, reveal.js export, PDF, contact sheet,
                 run sheet
    commands/    build, check, clean, share, present, doctor as library calls returning results
    cli.py       the only place results become messages and exit codes

The notebook side — ``deckkit.demos``, ``deckkit.agenda`` and ``deckkit.figures``, which the
decks' cells import — never imports build code (a test holds that wall).
"""

__version__ = "0.1.0"
