"""The portal's URLs plus small pages that opt in to the anonymous page cache, for its tests."""

import hashlib

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
    @anonymous_page_cache(state=_state, query=("page", "q", "year"))
    def view(request):
        RENDERS.append(name)
        response = HttpResponse(f"{name} {len(RENDERS)} {request.GET.urlencode()}", status=status)
        if cookie:
            response.set_cookie("seen", "1")
        if vary:
            patch_vary_headers(response, [vary])
        return response

    return view


@anonymous_page_cache(state=_state, query=("q",))
def big(request):
    """A page of 32 KB that differs with its query and compresses little, like no real page."""
    RENDERS.append("big")
    seed = hashlib.sha256(request.GET.urlencode().encode()).digest()
    return HttpResponse(
        b"".join(hashlib.sha256(seed + i.to_bytes(2, "big")).digest() for i in range(1024))
    )


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
    path("big/", big),
]
