"""The site search: one box in the header over what every app registers.

The core knows no app. Each app registers a provider in its `AppConfig.ready()`:

    site_search.register(Provider("guidelines", _("Guidelines"), search=..., order=30))

`search(request, query)` gets a `SiteQuery` and returns up to `limit` `Hit`s, best first.

How Norwegian words find each other: every word of the query is expanded to its group in the
`SearchSynonym` table (nynorsk and bokmål forms and their inflections: "sjukeheim" finds
"sykehjem", "sykehjemmet" finds "sykehjem"). On PostgreSQL a word matches a group when their
norwegian snowball stems agree, and each variant becomes a `plainto_tsquery('norwegian', …)`
ORed with the others, so the norwegian stemmer handles the endings the table does not list.
SQLite matches the words and their listed variants as substrings. A search with no hits
suggests the nearest words: pg_trgm similarity on PostgreSQL, difflib elsewhere.
"""

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q

from helsefellesskap.models import SearchSynonym

SEARCH_CONFIG = "norwegian"
MAX_WORDS = 8
MIN_SIMILARITY = 0.3
_WORD = re.compile(r"[\wæøåÆØÅ-]+", re.UNICODE)


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Hit:
    """One search result: what it is called, where it is, a line of context."""

    title: str
    url: str
    context: str = ""
    snippet: str = ""


@dataclass(frozen=True)
class Provider:
    """One kind of result (measures, goals, guidelines, meetings) and how to search it."""

    key: str
    label: str
    search: Callable
    # Texts whose words are offered as suggestions when nothing is found.
    vocabulary: Callable[[], Iterable[str]] | None = None
    order: int = 100


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    """Add (or replace, on a second ready()) a kind of result."""
    _providers[provider.key] = provider


def providers() -> list[Provider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.key))


@dataclass
class SiteQuery:
    """The words of a search and, for each, the words it stands for."""

    text: str
    words: list[str]
    variants: list[list[str]] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> "SiteQuery":
        text = (text or "").strip()
        words = [w.lower() for w in _WORD.findall(text) if w.strip("-")][:MAX_WORDS]
        return cls(text=text, words=words, variants=[_variants(w) for w in words])

    def __bool__(self):
        return bool(self.words)

    @property
    def expanded(self) -> bool:
        """Whether any word stands for more than itself."""
        return any(len(v) > 1 for v in self.variants)

    def all_terms(self) -> list[str]:
        return [term for group in self.variants for term in group]

    def search_query(self, config: str = SEARCH_CONFIG) -> SearchQuery:
        """PostgreSQL: every word (any of its variants) must match."""
        per_word = [
            reduce(lambda a, b: a | b, (SearchQuery(v, config=config) for v in group))
            for group in self.variants
        ]
        return reduce(lambda a, b: a & b, per_word)

    def substring_q(self, *fields: str) -> Q:
        """Elsewhere: every word (any of its variants) in one of the fields."""
        per_word = [
            reduce(
                lambda a, b: a | b,
                (Q(**{f"{name}__icontains": v}) for v in group for name in fields),
            )
            for group in self.variants
        ]
        return reduce(lambda a, b: a & b, per_word)


def _variants(word: str) -> list[str]:
    """The word and every word of its synonym groups (the word first)."""
    if uses_full_text_search():
        # Same stem as the word (norwegian snowball), so inflections the table lacks still match.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT other.term FROM helsefellesskap_searchsynonym AS one "
                'JOIN helsefellesskap_searchsynonym AS other ON other."group" = one."group" '
                "WHERE one.term = %s OR (numnode(plainto_tsquery(%s::regconfig, %s)) > 0 "
                "AND to_tsvector(%s::regconfig, one.term) @@ plainto_tsquery(%s::regconfig, %s)) "
                "ORDER BY other.term",
                [word, SEARCH_CONFIG, word, SEARCH_CONFIG, SEARCH_CONFIG, word],
            )
            others = [row[0] for row in cursor.fetchall()]
    else:
        groups = SearchSynonym.objects.filter(term=word).values("group")
        others = list(
            SearchSynonym.objects.filter(group__in=groups)
            .order_by("term")
            .values_list("term", flat=True)
        )
    return [word] + [other for other in others if other != word]


@dataclass(frozen=True)
class Group:
    provider: Provider
    hits: list[Hit]


def search(request, text: str, *, limit: int = 20) -> tuple[SiteQuery, list[Group]]:
    """Every kind's hits for the text, kinds in their order, empty kinds left out."""
    query = SiteQuery.parse(text)
    if not query:
        return query, []
    groups = []
    for provider in providers():
        hits = list(provider.search(request, query, limit=limit))
        if hits:
            groups.append(Group(provider, hits))
    return query, groups


def suggestions(query: SiteQuery, *, limit: int = 5) -> list[str]:
    """The words nearest to the query's words, from the synonym table and what the kinds hold."""
    words = set(SearchSynonym.objects.values_list("term", flat=True))
    for provider in providers():
        if provider.vocabulary:
            for text in provider.vocabulary():
                words.update(w.lower() for w in _WORD.findall(text or "") if len(w) >= 4)
    words -= set(query.words)
    if not words:
        return []
    found: list[str] = []
    for word in query.words:
        for candidate in _nearest(word, sorted(words), limit):
            if candidate not in found:
                found.append(candidate)
    return found[:limit]


def _nearest(word: str, words: list[str], limit: int) -> list[str]:
    if uses_full_text_search():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT w FROM unnest(%s::text[]) AS w WHERE similarity(w, %s) >= %s "
                "ORDER BY similarity(w, %s) DESC, w LIMIT %s",
                [words, word, MIN_SIMILARITY, word, limit],
            )
            return [row[0] for row in cursor.fetchall()]
    return difflib.get_close_matches(word, words, n=limit, cutoff=0.7)
