"""What a student's browser is given: HTML cleaned by a real sanitiser (nh3, which wraps the
ammonia crate and parses with html5ever, as a browser does), never by regular expressions.

The allow-list keeps what the decks are made of: text, lists, tables, code highlighted by
Pygments (spans with classes), images (a data: URL only for an image type), Mermaid diagrams
(an <img> of an SVG, which cannot run script), the inline SVG of the materials QR code, maths
(plain text that MathJax typesets), layout styles (flex, widths, gaps) and ``data-*``
attributes that deckkit.js reads.  Everything that runs script is removed: <script>, event
handler attributes, javascript: and other foreign URL schemes, <iframe> (srcdoc included),
<object>, <embed>, <form>, <base>, <meta>, <link>, <style> and comments.

``removed(html)`` says how many such things a piece of HTML holds, measured with the same
parser: the HTML is cleaned twice, once with the allow-list and once with the allow-list plus
every active construct, and each element or attribute the two disagree on counts once.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3

SVG_TAGS = {"svg", "g", "path", "rect", "circle", "line", "polyline", "polygon", "text",
            "tspan", "title", "desc", "defs", "use"}
TAGS = (set(nh3.ALLOWED_TAGS) | SVG_TAGS | {"section", "figure", "figcaption", "aside",
                                              "details", "summary", "kbd", "input"})
COMMON = {"class", "id", "title", "role", "lang", "dir", "tabindex", "style", "hidden"}
SVG_ATTRS = {"viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r",
             "d", "fill", "stroke", "stroke-width", "transform", "points", "xmlns",
             "font-size", "font-family", "text-anchor", "shape-rendering", "opacity"}
ATTRIBUTES = {
    "*": COMMON,
    "a": {"href", "name", "target"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start", "type", "reversed"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"}, "colgroup": {"span"},
    "details": {"open"},
    "input": {"type", "checked", "disabled"},   # a task list's check boxes
    "time": {"datetime"}, "data": {"value"},
    **{tag: SVG_ATTRS for tag in SVG_TAGS},
}
PREFIXES = {"data-", "aria-"}
SCHEMES = {"http", "https", "mailto", "data"}
IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.IGNORECASE)
STYLES = {"display", "flex", "flex-direction", "flex-wrap", "gap", "align-items",
          "justify-content", "align-self", "min-width", "max-width", "width", "height",
          "max-height", "min-height", "margin", "margin-top", "margin-bottom", "margin-left",
          "margin-right", "padding", "text-align", "vertical-align", "font-weight",
          "font-style", "font-size", "color", "background-color", "border", "white-space",
          "list-style-type", "grid-template-columns", "object-fit"}

# what `removed()` lets through in its second pass: every active construct the allow-list drops
ACTIVE_TAGS = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
               "form", "base", "meta", "link", "noscript", "template", "math", "animate",
               "set", "foreignObject", "button", "textarea", "select", "option"}
ACTIVE_ATTRS = {"srcdoc", "formaction", "action", "xlink:href",
                "codebase", "background", "poster", "srcset", "ping"}


def _keep(element: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: a data: URL only as an image's source, and only of an image
    type (an <a href="data:text/html,…"> is a page of the author's, not a picture)."""
    if attribute in ("src", "href") and value.strip().lower().startswith("data:"):
        return value if element == "img" and IMAGE_DATA.match(value.strip()) else None
    return value


def clean(html: str) -> str:
    """``html`` with everything that could run script taken out (see the module's doc)."""
    if not html:
        return html
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, generic_attribute_prefixes=PREFIXES,
                     url_schemes=SCHEMES, attribute_filter=_keep, strip_comments=True,
                     link_rel=None, filter_style_properties=STYLES)


@lru_cache(maxsize=1)
def _permissive() -> dict:
    attributes = {tag: set(names) | ACTIVE_ATTRS for tag, names in ATTRIBUTES.items()}
    attributes.update({tag: COMMON | ACTIVE_ATTRS for tag in ACTIVE_TAGS})
    return dict(tags=TAGS | ACTIVE_TAGS, attributes=attributes,
                generic_attribute_prefixes=PREFIXES | {"on"}, clean_content_tags=set(),
                url_schemes=SCHEMES | {"javascript", "vbscript", "file", "blob"},
                strip_comments=True, link_rel=None)


MARKUP = re.compile(r"<(/?)([A-Za-z][\w:-]*)|\s([\w:-]+)(?==)")


def removed(html: str) -> int:
    """How many elements and attributes of ``html`` clean() takes out because they are (or
    could be) active; 0 for HTML that the student build leaves as the author wrote it."""
    if not html or "<" not in html:
        return 0
    loose = nh3.clean(html, **_permissive())
    strict = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES,
                       generic_attribute_prefixes=PREFIXES, url_schemes=SCHEMES,
                       attribute_filter=_keep, strip_comments=True, link_rel=None)
    if loose == strict:
        return 0
    return max(1, len(MARKUP.findall(loose)) - len(MARKUP.findall(strict)))


def markdown_html(source: str) -> str:
    """A markdown cell as nbconvert renders it (maths kept for MathJax)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(source)
