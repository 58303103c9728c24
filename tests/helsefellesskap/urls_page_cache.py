"""The portal's URLs plus small pages that opt in to the anonymous page cache, for its tests."""

from django.http import HttpResponse
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache

from helsefellesskap.page_cache import anonymous_page_cache
from helsefellesskap.urls import urlpatterns as portal_urlpatterns

# What the pages below depend on, and how often they were rendered (tests reset both).
STATE = {"version": "1"}
RENDERS: list[str] = []


def _state(request):
    return STATE["version"]


def _page(name, *, cookie=False, vary=None, status=200):
    @anonymous_page_cache(state=_state)
    def view(request):
        RENDERS.append(name)
        response = HttpResponse(f"{name} {len(RENDERS)} {request.GET.urlencode()}", status=status)
        if cookie:
            response.set_cookie("seen", "1")
        if vary:
            patch_vary_headers(response, [vary])
        return response

    return view


def not_opted_in(request):
    RENDERS.append("not-opted-in")
    return HttpResponse("plain")


urlpatterns = [
    *portal_urlpatterns,
    path("cached/", _page("cached"), name="cached"),
    path("sets-cookie/", _page("sets-cookie", cookie=True)),
    path("varies/", _page("varies", vary="User-Agent")),
    path("not-found/", _page("not-found", status=404)),
    path("never-cache/", never_cache(_page("never-cache"))),
    path("not-opted-in/", not_opted_in),
]
