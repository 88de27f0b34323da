"""The `deckkit` command: a thin layer that turns library results into messages and exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Every command reads notebooks with nbformat, whose jsonschema loads its optional format
# checkers at import; one of them, rfc3987-syntax, compiles a grammar then (2.7 s on this
# machine: more than a no-change build). Notebook schemas use no IRI formats, so the command
# line does without it; kernels, JupyterLab and every other process are not affected.
sys.modules.setdefault("rfc3987_syntax", None)  # noqa: E402 (must precede the imports below)

from . import __version__  # noqa: E402
from .errors import DeckError, Finding, internal_error  # noqa: E402
from .execution.kernel import DEFAULT_MAX_OUTPUT_MB, DEFAULT_TIMEOUT  # noqa: E402
from .output.themes import THEME_NAMES  # noqa: E402


def _progress(message: str) -> None:
    print(f"deckkit: {message}", file=sys.stderr, flush=True)


def _report(findings: list[Finding]) -> int:
    errors = [f for f in findings if f.severity == "error"]
    for f in findings:
        print(f"{'warning: ' if f.severity == 'warning' else ''}{f}", file=sys.stderr)
    if errors:
        print(f"deckkit: {len(errors)} problem(s) found", file=sys.stderr)
    return 1 if errors else 0


def _project(args):
    from .model.project import Project, find_project

    return Project(Path(args.root).resolve()) if args.root else find_project()


def _positive(kind):
    """An argparse type: a number above zero, or a message that says so."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} is not above zero")
        return value
    return parse


def _running_options() -> argparse.ArgumentParser:
    """The options build and check share: how the decks' code runs."""
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--timeout", type=_positive(int), default=DEFAULT_TIMEOUT,
                        help="seconds a cell may run (default %(default)s)")
    shared.add_argument("--workers", type=_positive(int),
                        help="decks executed at once (default: one per core)")
    shared.add_argument("--max-output-mb", type=_positive(float), default=DEFAULT_MAX_OUTPUT_MB,
                        help="output kept per cell, in MB (default %(default)s); the rest is "
                             "dropped")
    return shared


def _build_options(args, **more):
    """The BuildOptions of the options build and check share (see _running_options)."""
    from .pipeline import BuildOptions

    return BuildOptions(timeout=args.timeout, workers=args.workers,
                        max_output_mb=args.max_output_mb, **more)


def cmd_build(args) -> int:
    from .commands.build import build_project

    project = _project(args)
    result = build_project(project, _build_options(args, use_cache=not args.no_cache,
                                                   theme=args.theme), progress=_progress)
    status = _report(result.findings)
    for out in result.outputs:
        print(out)
    if status == 0 and args.pdf:
        from .output import browser
        from .output.pdf import export_pdfs

        try:
            browser.find_chromium()
        except DeckError as exc:
            print(f"deckkit: the HTML decks are built; PDF skipped: {exc}", file=sys.stderr)
            return 1
        try:
            pdfs = export_pdfs(project.layout, progress=_progress)
        except DeckError as exc:
            print(f"deckkit: the HTML decks are built; PDF failed: {exc}", file=sys.stderr)
            return 1
        for path in pdfs:
            print(path)
    if status == 0:
        decks = sum(p.name.endswith(".slides.html") for p in result.outputs)
        _progress(f"built {decks} deck(s); open build/html/session.slides.html in a browser "
                  "(press S for the speaker view); run sheet: build/notes/run-sheet.html")
    return status


def cmd_check(args) -> int:
    from .commands.check import check_project

    findings = check_project(_project(args), execute=args.execute,
                             options=_build_options(args), progress=_progress)
    status = _report(findings)
    if status == 0:
        _progress("all decks pass" + (" (every code cell ran)" if args.execute else ""))
    return status


def cmd_adopt(args) -> int:
    from .commands.adopt import adopt

    result = adopt(_project(args), Path(args.notebook), args.section, title=args.title,
                   minutes=args.minutes, slug=args.slug)
    for change in result.changes:
        _progress(change)
    print(result.deck)
    print(result.notes)
    _progress(f"adopted {args.notebook} as {result.deck.name}: {result.slides} slide(s), "
              f"{result.minutes:g} min; the original is unchanged. Next: edit the budgets in "
              f"{result.notes.name}, then `deckkit check` and `deckkit build`")
    return 0


def cmd_clean(args) -> int:
    from .commands.clean import normalise_decks

    changed = normalise_decks(_project(args))
    for display in changed:
        print(f"normalised {display}")
    _progress(f"{len(changed)} deck(s) changed")
    return 0


def cmd_notes(args) -> int:
    from .output.runsheet import as_text, load_rehearsal, load_timings, run_sheet

    project = _project(args)
    day, rehearsed = load_rehearsal(project.layout)
    print(as_text(run_sheet(project.resolve(), load_timings(project.layout), rehearsed)))
    if day:
        _progress(f"rehearsed: the rehearsal of {day} (build/notes/rehearsal-{day}.json)")
    if not project.layout.timings.exists():
        _progress("no build yet: demo timings appear after `deckkit build`")
    return 0


def _contact_live(project, section: str) -> int:
    from .commands.contact_live import live_contact_sheet

    out = project.layout.contact_dir / f"live-{section}"
    try:
        sheet = live_contact_sheet(project, section, out, progress=_progress)
    except DeckError as exc:
        print(f"deckkit: live contact sheet failed: {exc}", file=sys.stderr)
        return 1
    for slide in sheet.slides:
        if slide.cell_seconds:
            print(f"slide {slide.number} ({slide.title!r}): cells "
                  + ", ".join(f"{t:.2f} s {r}" for t, r in zip(slide.cell_seconds,
                                                             slide.cell_results)))
    for line in sheet.failures:
        print(line, file=sys.stderr)
    for problem in sheet.illegible:
        print(f"{section} live: {problem}", file=sys.stderr)
    for difference in sheet.differences:
        print(f"{section}: RISE and the export differ: {difference}", file=sys.stderr)
    print(f"deckkit: live contact sheet of {sheet.section}: {len(sheet.slides)} slides, "
          f"{len(sheet.illegible) + len(sheet.differences)} problem(s); screenshots in "
          f"{out.relative_to(project.root)}", file=sys.stderr)
    return 0 if sheet.ok else 1


def cmd_contact(args) -> int:
    from .output.contact import contact_sheet

    project = _project(args)
    if args.live:
        return _contact_live(project, args.deck)
    deck = project.layout.page(args.deck)
    if not deck.exists():
        print(f"deckkit: {deck.relative_to(project.root)} is not built; run `deckkit build` "
              "first", file=sys.stderr)
        return 1
    try:
        result = contact_sheet(deck, project.layout.contact_dir, progress=_progress)
    except DeckError as exc:
        print(f"deckkit: contact sheet failed: {exc}", file=sys.stderr)
        return 1
    for info in result.overflowing:
        if info.get("crowded"):
            print(f"slide {info['index'] + 1} ({info['section']}: {info['title']!r}): its "
                  "content runs into the section's opening band; shorten the opening slide "
                  "or move what is below its first lines to the next slide", file=sys.stderr)
            continue
        print(f"slide {info['index'] + 1} ({info['section']}: {info['title']!r}) overflows: "
              f"{info['width']}×{info['height']} px on a 1280×720 slide", file=sys.stderr)
    for info in result.broken:
        print(f"slide {info['index'] + 1} ({info['section']}: {info['title']!r}) shows a maths "
              "or error output; look at it", file=sys.stderr)
    for problem in result.illegible:
        print(f"{args.deck or 'session'}: {problem}", file=sys.stderr)
    if result.illegible:
        print(f"{len(result.illegible)} element(s) below the room's standard (at 1280×720: text "
              "≥ 18 px, body ≥ 24 px, code ≥ 20 px, nothing clipped or covered, real alt text); "
              "fix the deck, its CSS or the chart's size", file=sys.stderr)
    for url in result.blocked:
        print(f"deck tried to load {url} (blocked: decks must work offline)", file=sys.stderr)
    for info in result.sparse:
        print(f"slide {info['index'] + 1} ({info['section']}: {info['title']!r}): its "
              f"content ends at {info['fill']:.0%} of the slide's height; draw what it says at "
              "the size the slide allows, or mark a deliberate short slide with "
              'metadata.deckkit.layout = "statement"', file=sys.stderr)
    print(result.sheet)
    _progress(f"{len(result.slides)} slides in {result.sheet.parent}")
    return 0 if result.ok else 1


def cmd_share(args) -> int:
    from .commands.share import build_share
    from .output import browser

    project = _project(args)
    pdf = True
    try:
        browser.find_chromium()
    except DeckError as exc:
        print(f"deckkit: the student PDF is skipped: {exc}", file=sys.stderr)
        pdf = False
    try:
        result = build_share(project, pdf=pdf, progress=_progress,
                             run_notebooks=args.verify_run)
    except DeckError as exc:
        print(f"deckkit: the student package is incomplete: {exc}", file=sys.stderr)
        return 1
    status = _report(result.findings)
    for path in result.outputs:
        print(path)
    for line in result.verified:
        _progress(f"share: verified {line}")
    if status == 0:
        _progress("student package in build/share/ (no speaker notes, no solutions)")
    elif project.layout.share_dir.exists():
        _progress("the student package was not replaced: build/share/ holds the previous one")
    else:
        _progress("no student package was written")
    return status if pdf else max(status, 1)


def cmd_doctor(args) -> int:
    from .commands.doctor import render, run_doctor

    _progress("checking this machine" + ("" if args.skip_compile else
                                         " (warms the torch.compile cache: a few seconds)"))
    checks = run_doctor(_project(args), compile_check=not args.skip_compile)
    print(render(checks))
    return 0 if all(c.ok or c.warning for c in checks) else 1


def cmd_present(args) -> int:
    from .commands.present import present

    present(_project(args), args.section, args.port, not args.no_browser, say=_progress)
    return 0


def cmd_preview(args) -> int:
    from .commands.preview import preview

    preview(_project(args), args.section, args.port, not args.no_browser, say=_progress)
    return 0


def cmd_figures(args) -> int:
    from .commands.figures import write_figures

    project = _project(args)
    for path in write_figures(project.root / "figures", project.decks_dir):
        print(path)
    return 0


def cmd_warmup(args) -> int:
    import time

    from .commands.warmup import warm_decks
    from .demos import device_info

    print(device_info().banner(), file=sys.stderr)
    _progress("compiling what the decks compile (the first time takes several seconds)")
    start = time.perf_counter()
    result = warm_decks(_project(args))
    if not result.compiled:
        _progress(f"torch.compile cannot run here: {result.reason}; the decks will show eager "
                  "numbers only")
        return 1
    for w in result.workloads:
        _progress(f"{w.name}: first call {w.first_call_s:.2f} s, outputs equal: {w.outputs_equal}")
    for cell in result.cells:
        state = "warmed" if cell.ok else f"failed ({cell.error})"
        _progress(f"{cell.deck} cell {cell.cell}: {state} in {cell.seconds:.1f} s")
    _progress(f"cache warm in {time.perf_counter() - start:.1f} s: {result.cache_dir}")
    return 0 if all(c.ok for c in result.cells) else 1


def _this_talk() -> str | None:
    """"This project: <title>" from the nearest decks/session.toml, for --help."""
    try:
        from .model.project import find_project

        return f"This project: {find_project().resolve().session.title}"
    except Exception:  # no project here, or one that does not read: --help still works
        return None


def cmd_new(args) -> int:
    from .commands.new import new_project

    made = new_project(Path(args.folder), args.title)
    for path in made.written:
        print(path)
    _progress(f"a new talk in {made.root}: cd there, then `deckkit check` and `deckkit build`")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="deckkit", description="Build, check, present and share a "
                                "talk made of Jupyter notebooks as offline slide decks.",
                                epilog=_this_talk())
    p.add_argument("--version", action="version", version=f"deckkit {__version__}")
    p.add_argument("--root", help="project folder holding decks/ (default: found from the cwd)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    running = _running_options()
    b = sub.add_parser("build", parents=[running],
                       help="execute every deck and export offline reveal.js slides")
    b.add_argument("--no-cache", action="store_true", help="re-execute every deck")
    b.add_argument("--pdf", action="store_true",
                   help="also print build/pdf/: one PDF per deck, the session and a handout")
    b.add_argument("--theme", choices=THEME_NAMES, default="default",
                   help="slide colours: default, or high-contrast (black on white, darker "
                        "accents: a bright room, a low-vision reader)")
    b.set_defaults(func=cmd_build)

    c = sub.add_parser("check", parents=[running],
                       help="lint every deck (and run its code with --execute)")
    c.add_argument("--execute", action="store_true", help="also run every code cell")
    c.set_defaults(func=cmd_check)

    n = sub.add_parser("notes", help="print the run sheet: clock, budgets, questions, demo times")
    n.set_defaults(func=cmd_notes)

    cs = sub.add_parser("contact-sheet", help="PNG of every slide of a built deck + one grid image")
    cs.add_argument("deck", nargs="?", default="session",
                    help="deck name, or with --live a section letter (default: session)")
    cs.add_argument("--live", action="store_true",
                    help="drive the RISE slideshow instead: run every cell as a presenter "
                         "would and check each slide at 1280×720 and 1024×768")
    cs.set_defaults(func=cmd_contact)

    nw = sub.add_parser("new", help="a new talk project in FOLDER: a title deck, one section "
                        "with a code cell, notes, session.toml, README, CI workflow")
    nw.add_argument("folder", help="where to make it (new, or empty)")
    nw.add_argument("--title", required=True, help="the talk's title")
    nw.set_defaults(func=cmd_new)

    sh = sub.add_parser("share", help="the student package in build/share/: decks, PDF, exercises")
    sh.add_argument("--verify-run", action="store_true",
                    help="before publishing, unpack the zip alone, install it in a fresh virtual "
                         "environment as its README says and run every notebook (minutes)")
    sh.set_defaults(func=cmd_share)

    dr = sub.add_parser("doctor", help="presenter's preflight: GPU, torch, compile, build, timings")
    dr.add_argument("--skip-compile", action="store_true", help="skip the torch.compile check")
    dr.set_defaults(func=cmd_doctor)

    pr = sub.add_parser("present", help="open a section (or the session) as a live RISE slideshow")
    pr.add_argument("section", nargs="?", help="section letter, e.g. F (default: whole session)")
    pr.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    pr.add_argument("--no-browser", action="store_true", help="print the URL, open nothing")
    pr.set_defaults(func=cmd_present)

    pv = sub.add_parser("preview", help="build, serve the slides on 127.0.0.1 and rebuild and "
                        "reload them on the same slide whenever a deck, note or figure is saved")
    pv.add_argument("section", nargs="?", help="section letter, e.g. C (default: whole session)")
    pv.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    pv.add_argument("--no-browser", action="store_true", help="print the URL, open nothing")
    pv.set_defaults(func=cmd_preview)

    f = sub.add_parser("figures", help="write the decks' generated figures to figures/")
    f.set_defaults(func=cmd_figures)

    w = sub.add_parser("warmup", help="pre-compile the torch.compile demos so the live cell is quick")
    w.set_defaults(func=cmd_warmup)

    a = sub.add_parser("adopt", help="turn an existing RISE notebook into a deck of this "
                       "project (the original is only read)")
    a.add_argument("notebook", help="the .ipynb to adopt")
    a.add_argument("--section", required=True, help="its section letter, one not yet used")
    a.add_argument("--title", help="the section's title (default: the first slide's heading)")
    a.add_argument("--minutes", type=float,
                   help="the section's budget, shared out over its slides (default: 1 per slide)")
    a.add_argument("--slug", help="the file name after the letter (default: from the title)")
    a.set_defaults(func=cmd_adopt)

    k = sub.add_parser("clean", help="put decks in their committed form: no outputs, canonical "
                       "metadata (undoes what RISE/Jupyter write when saving)")
    k.set_defaults(func=cmd_clean)
    return p


EXIT_CLEAN, EXIT_FINDINGS, EXIT_CANNOT_RUN, EXIT_INTERNAL = 0, 1, 2, 70


def main(argv: list[str] | None = None) -> int:
    """Exit codes: 0 clean, 1 findings, 2 the command could not run (bad usage, no project,
    an unwritable build/ …; the message says the fix), 70 an internal error in deckkit itself
    (a bug: set DECKKIT_DEBUG=1 for the traceback), 130 interrupted."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except DeckError as exc:
        print(f"deckkit: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except KeyboardInterrupt:
        print("deckkit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in deckkit: say so plainly, keep the traceback opt-in
        if os.environ.get("DECKKIT_DEBUG"):
            raise
        print("deckkit: " + internal_error(exc, "run again with DECKKIT_DEBUG=1 for the "
                                           "traceback and report it"), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
