"""A URL configuration with every section the menu knows, as the merged portal will have."""

from django.http import HttpResponse
from django.urls import include, path

from helsefellesskap.urls import urlpatterns as portal_urlpatterns


def _page(request, **kwargs):
    return HttpResponse("ok")


meetings = (
    [path("", _page, name="list"), path("action-points/", _page, name="action_points")],
    "meetings",
)
guidelines = ([path("", _page, name="list")], "guidelines")

urlpatterns = [
    path("plan/revision/", _page),
    path("plan/mine/", _page),
    path("plan/reports/", _page),
    path("meetings/", include(meetings)),
    path("guidelines/", include(guidelines)),
    *[p for p in portal_urlpatterns if str(p.pattern) not in ("meetings/", "guidelines/")],
]
