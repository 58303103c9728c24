"""What the meetings give the site search: the meetings this visitor may see."""

from django.contrib.postgres.search import SearchRank, SearchVector
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from helsefellesskap import site_search

from .rights import meetings_visible_to, public_meetings

FIELDS = ("title", "purpose", "place", "minutes")


def search(request, query, *, limit):
    meetings = meetings_visible_to(request.user)
    if site_search.uses_full_text_search():
        vector = SearchVector(*FIELDS, config=site_search.SEARCH_CONFIG)
        search_query = query.search_query()
        meetings = (
            meetings.annotate(document=vector)
            .filter(document=search_query)
            .annotate(rank=SearchRank(vector, search_query))
            .order_by("-rank", "-date", "pk")
        )
    else:
        meetings = meetings.filter(query.substring_q(*FIELDS)).order_by("-date", "pk")
    return [
        site_search.Hit(
            title=m.title,
            url=m.get_absolute_url(),
            context=date_format(m.date, "DATE_FORMAT") if m.date else "",
        )
        for m in meetings[:limit]
    ]


def titles():
    return public_meetings().values_list("title", flat=True)


def register():
    site_search.register(
        site_search.Provider("meetings", _("Meetings"), search, vocabulary=titles, order=40)
    )
