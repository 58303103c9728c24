"""What the guidelines give the site search: the library, searched as the library searches."""

from django.utils.translation import gettext_lazy as _

from helsefellesskap import site_search

from .models import Guideline
from .search import search_guidelines, snippet_html


def search(request, query, *, limit):
    found = search_guidelines(Guideline.objects.for_library(), query.text, query)[:limit]
    terms = query.all_terms()
    return [
        site_search.Hit(
            title=g.title,
            url=g.get_absolute_url(),
            context=g.get_status_display(),
            snippet=snippet_html(g, query.text, terms),
        )
        for g in found
    ]


def titles():
    return Guideline.objects.values_list("title", flat=True)


def register():
    site_search.register(
        site_search.Provider("guidelines", _("Guidelines"), search, vocabulary=titles, order=30)
    )
