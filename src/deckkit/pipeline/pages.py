"""The export stage: each executed deck through the FINISH[audience] steps into its page, the
session page made of them, and (for the presenter) the cell timings and the run sheet.  Every
page is keyed by what it is made from; one whose stamp matches is not written again."""

from __future__ import annotations

import json

from ..errors import Finding, is_ok
from ..execution.cache import (
    EXPORT_SIDE,
    Stamps,
    code_fingerprint,
    digest,
    environment_fingerprint,
    export_key,
)
from ..model.layout import BuildLayout, write_atomic
from ..model.project import Project
from ..output import export
from ..output.runsheet import as_html, load_rehearsal, run_sheet
from ..steps import FINISH, DeckContext, run_steps
from ..steps.attach_notes import deck_seconds
from ..steps.merge import merge_session
from .after import checked
from .options import BuildOptions, BuildResult
from .static import Prepared


def export_pages(project: Project, prepared: Prepared, keys: dict[str, str],
                 options: BuildOptions, result: BuildResult, progress) -> list[Finding]:
    """Write the pages of the decks in ``keys`` (deck → execution key: those with outputs);
    returns what the after-execution checks found.  A deck whose output would need the network
    gets no page, and no session page is written unless every deck passed."""
    layout, audience = options.layout_of(project), options.audience
    session = prepared.resolved.session
    stamps = Stamps(layout.stamps(audience))
    assets_key = digest(code_fingerprint(EXPORT_SIDE), environment_fingerprint())
    if not stamps.fresh(layout.assets(audience), assets_key):
        progress("assets: copying reveal.js, MathJax and deckkit's theme into "
                 f"{layout.assets(audience).relative_to(project.root)}")
        export.write_assets(layout.html_dir(audience))
        stamps.mark(layout.assets(audience), assets_key)

    records, found = prepared.resolved.records, []
    parts, page_keys, timings = [], [], {}
    for i, record in enumerate(records, 1):
        if record.name not in keys:
            continue  # its execution failed: reported in result.findings
        ctx = DeckContext(record, session, audience, layout.mermaid_cache)
        step = f"[{i}/{len(records)}] {record.name}"
        timings[record.name], after = checked(record, prepared.notebooks[record.name])
        found += after
        if not is_ok(after):
            continue  # an output that loads from the network: the page would not work offline
        nb, finished = run_steps(prepared.notebooks[record.name], ctx, FINISH[audience],
                                 copy_first=False, trace=result.visit)
        found += finished
        page_keys.append(_export_page(layout, ctx, nb, keys[record.name], stamps, result,
                                      lambda m, step=step: progress(f"{step}: {m}"),
                                      options.theme))
        parts.append(nb)
    result.findings += found
    if result.ok and parts and options.session_page:
        _export_session(layout, session.title, parts, page_keys, audience, stamps, result,
                        progress, options.theme)
    stamps.save()
    if audience == "presenter":
        write_atomic(layout.timings, json.dumps(timings, indent=1))
        sheet = write_atomic(layout.run_sheet_html,
                             as_html(run_sheet(prepared.resolved, timings,
                                               load_rehearsal(layout)[1]), session.title))
        result.outputs.append(sheet)
    return found


def _export_page(layout: BuildLayout, ctx: DeckContext, nb, exec_key: str, stamps: Stamps,
                 result: BuildResult, progress, theme: str = "default") -> str:
    """Write the deck's page unless the stamps say it is made from the same things (cells,
    outputs, notes, the session's title and materials link, audience, theme); returns the
    page's key (part of the session page's key)."""
    record, title = ctx.record, f"{ctx.record.section.label} — {ctx.session.title}"
    page_key = export_key(exec_key, record.nb, record.notes_text or "",
                          "\n".join((title, ctx.audience, ctx.session.materials_url,
                                     ctx.session.notebooks_url, theme)))
    out = layout.page(record.name, ctx.audience)
    result.visit(record.name, "export")
    result.outputs.append(out)
    if not stamps.fresh(out, page_key):
        progress("exporting slides")
        write_atomic(out, export.slides_html(nb, title, deck_seconds(nb), theme,
                                             sanitise=ctx.audience == "student"))
        stamps.mark(out, page_key)
    return page_key


def _export_session(layout, title, parts, keys, audience, stamps, result, progress,
                    theme: str = "default") -> None:
    out = layout.page("session", audience)
    session_key = digest(title, theme, *keys)
    if not stamps.fresh(out, session_key):
        progress(f"session: exporting {len(parts)} sections as one deck")
        merged = merge_session(parts, title)
        write_atomic(out, export.slides_html(merged, title, deck_seconds(merged), theme,
                                             sanitise=audience == "student"))
        stamps.mark(out, session_key)
    result.outputs.append(out)
