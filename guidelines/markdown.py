"""Markdown to safe HTML for guideline bodies.

Editors write Markdown; readers get HTML that nh3 has cleaned, so no script, style, event
handler, javascript: link or remote resource (images included) survives, whatever was typed.
"""

import html
from dataclasses import dataclass

import markdown as markdown_lib
import nh3
from markdown.extensions.toc import slugify_unicode

from helsefellesskap.text import LINK_SCHEMES

# Heading ids carry this prefix, and the sanitiser keeps only ids with it: an editor cannot
# plant an id that clobbers a page element or a DOM global.
HEADING_ID_PREFIX = "sec-"

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code",
    "ul", "ol", "li", "dl", "dt", "dd", "strong", "em", "b", "i", "sub", "sup", "ins", "del",
    "abbr", "a", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    **{f"h{level}": {"id"} for level in range(2, 7)},
}
URL_SCHEMES = LINK_SCHEMES
SNIPPET_START, SNIPPET_STOP = "\ue000", "\ue001"


@dataclass(frozen=True)
class RenderedMarkdown:
    html: str
    text: str
    toc: list[dict]


def _slugify(value: str, separator: str) -> str:
    return HEADING_ID_PREFIX + (slugify_unicode(value, separator) or "section")


def _keep_only_prefixed_ids(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and not value.startswith(HEADING_ID_PREFIX):
        return None
    return value


def _flatten_toc(tokens: list[dict]) -> list[dict]:
    flat = []
    for token in tokens:
        flat.append(
            {"level": token["level"], "id": token["id"], "name": html.unescape(token["name"])}
        )
        flat.extend(_flatten_toc(token["children"]))
    return flat


def sanitise_html(dirty: str) -> str:
    """Clean HTML down to the guideline subset: structure, tables and safe links only."""
    return nh3.clean(
        dirty,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_only_prefixed_ids,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )


def html_to_text(clean_html: str) -> str:
    """Plain text of sanitised HTML (for search and snippets)."""
    text = html.unescape(nh3.clean(clean_html, tags=set(), clean_content_tags=set()))
    # The search snippet marks matches with these private-use characters; keep them unique.
    return text.replace(SNIPPET_START, "").replace(SNIPPET_STOP, "").strip()


def render_markdown(source: str) -> RenderedMarkdown:
    """Render Markdown to sanitised HTML, its plain text and a flat table of contents.

    Headings start at <h2> whatever level the editor typed, because the page's <h1> is the
    guideline's title.
    """
    converter = markdown_lib.Markdown(
        extensions=["toc", "tables", "sane_lists"],
        extension_configs={"toc": {"baselevel": 2, "slugify": _slugify}},
    )
    clean = sanitise_html(converter.convert(source or ""))
    return RenderedMarkdown(
        html=clean, text=html_to_text(clean), toc=_flatten_toc(converter.toc_tokens)
    )
