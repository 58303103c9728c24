"""The site search page: hits grouped by kind, or the nearest words when nothing is found."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from helsefellesskap import site_search

MAX_QUERY_LENGTH = 200


@require_safe
def search(request):
    text = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    query, groups = site_search.search(request, text)
    suggestions = site_search.suggestions(query) if query and not groups else []
    return render(
        request,
        "search.html",
        {
            "query_text": text,
            "query": query,
            "groups": groups,
            "hit_count": sum(len(group.hits) for group in groups),
            "suggestions": suggestions,
            "breadcrumbs": [(_("Search"), None)],
        },
    )
