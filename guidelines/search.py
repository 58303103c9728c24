"""Searching guidelines: full-text search on PostgreSQL, a substring match elsewhere.

On PostgreSQL every guideline keeps a stored `search_vector` (title weighted A, summary B, body
C, Norwegian configuration) refreshed after each save (GuidelineQuerySet.refresh_search_vectors),
and migration 0002 puts a GIN index on it, so `search_vector @@ query` is an index scan. SQLite
(development, fast tests) matches each word as a substring of title, summary or body instead.
SQLite's LIKE folds case for ASCII letters only, so there «Øyeblikkeleg» does not find
«øyeblikkeleg».
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from helsefellesskap.site_search import SiteQuery

from .markdown import SNIPPET_START, SNIPPET_STOP

SEARCH_CONFIG = "norwegian"
SNIPPET_CONTEXT_CHARS = 90


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def guideline_search_vector():
    """The weighted document a guideline is searched by: title A, summary B, body C."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body_text", weight="C", config=SEARCH_CONFIG)
    )


def search_guidelines(queryset, text: str, site_query: SiteQuery | None = None):
    """Filter a guideline queryset to those matching `text`, best match first.

    When a word of the text has nynorsk/bokmål variants or listed inflections (the site search's
    synonym table), every variant counts ("sjukeheim" finds "sykehjem"); otherwise PostgreSQL
    reads the text as a web search ("quoted phrase", -excluded).
    """
    text = (text or "").strip()
    if not text:
        return queryset
    site_query = site_query or SiteQuery.parse(text)
    if uses_full_text_search():
        if site_query and site_query.expanded:
            return _full_text_search(queryset, site_query.search_query(SEARCH_CONFIG))
        return _full_text_search(
            queryset, SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        )
    if site_query and site_query.expanded:
        return _expanded_substring_search(queryset, site_query)
    return _substring_search(queryset, text)


def _expanded_substring_search(queryset, site_query):
    fields = ("title", "summary", "body_text")
    return (
        queryset.filter(site_query.substring_q(*fields))
        .annotate(rank=Value(1))
        .order_by("-rank", "title", "pk")
    )


def _full_text_search(queryset, query):
    return (
        queryset.filter(search_vector=query)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            headline=SearchHeadline(
                "body_text",
                query,
                config=SEARCH_CONFIG,
                start_sel=SNIPPET_START,
                stop_sel=SNIPPET_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "title", "pk")
    )


def _words(text: str) -> list[str]:
    return [word for word in text.split() if word.strip('"')][:8]


def _substring_search(queryset, text):
    words = [word.strip('"') for word in _words(text)]
    score = Value(0)
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body_text__icontains=word)
        )
        # A rough ranking in the same spirit as the weights on PostgreSQL.
        score = score + Case(
            When(title__icontains=word, then=Value(4)),
            When(summary__icontains=word, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return queryset.annotate(rank=score).order_by("-rank", "title", "pk")


def snippet_html(guideline, text: str, terms=None) -> SafeString:
    """A short, escaped extract of the guideline with the search words in <mark>."""
    headline = getattr(guideline, "headline", None)
    if headline is not None:
        marked = escape(headline)
        return mark_safe(  # noqa: S308 - escaped above; only our own <mark> tags are added
            marked.replace(SNIPPET_START, "<mark>").replace(SNIPPET_STOP, "</mark>")
        )
    return _substring_snippet(guideline, text, terms)


def _substring_snippet(guideline, text: str, terms=None) -> SafeString:
    words = list(terms or []) or [word.strip('"') for word in _words(text or "")]
    if not words:
        return mark_safe("")
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    for source in (guideline.body_text, guideline.summary):
        match = pattern.search(source or "")
        if match:
            return _highlight_window(source, match.start(), pattern)
    return mark_safe("")


def _highlight_window(source: str, at: int, pattern) -> SafeString:
    start = max(0, at - SNIPPET_CONTEXT_CHARS)
    end = min(len(source), at + SNIPPET_CONTEXT_CHARS * 2)
    # Cut at word boundaries so the extract does not start or end mid-word.
    if start > 0:
        space = source.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    if end < len(source):
        space = source.rfind(" ", at, end)
        end = space if space > at else end
    window = " ".join(source[start:end].split())
    parts, position = [], 0
    for match in pattern.finditer(window):
        parts.append(escape(window[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(window[position:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(source) else ""
    return mark_safe(prefix + "".join(parts) + suffix)  # noqa: S308 - every part escaped
