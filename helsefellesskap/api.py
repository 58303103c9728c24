"""The portal's read-only JSON API under /api/v1/ (django-ninja), and what its routers share.

The core holds the one NinjaAPI object, its pagination, conditional answers and error shapes;
it knows no app. Each app adds its router from its own api.py in AppConfig.ready() through
register_router(), so the arrows point down (the same way apps register PDF renderers).

django-ninja rather than Django REST framework: the API only reads, and ninja gives typed
schemas and an OpenAPI 3 document from the same pydantic classes with no serializer layer of
its own, ships Swagger UI as static files (served under our CSP: no CDN, no inline script),
and is a single dependency on top of pydantic.

The API is the public's view of the portal: every answer is what an anonymous visitor sees on
the web, whoever asks (a session cookie changes nothing), so answers can be shared by caches
and compared by ETag. Anonymous callers are rate-limited (api_throttle.py).
"""

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.http import condition
from ninja import Field, NinjaAPI, Path, Router, Schema
from ninja.decorators import decorate_view
from ninja.openapi.docs import Swagger

API_DESCRIPTION = (
    "Open, read-only data of the joint action plan of Helsefellesskap Møre og Romsdal: "
    "plans, committees, goals, sub-goals, measures with their yearly statuses, priority "
    "patient groups, public meetings and their action points, and shared guidelines with "
    "their versions. Everything here is public on the portal's own pages. Licence: NLOD 2.0. "
    "Anonymous use is rate-limited per address (429 with Retry-After). Answers carry an ETag "
    "and Last-Modified: ask again with If-None-Match or If-Modified-Since to get 304."
)

api = NinjaAPI(
    title="Helsefellesskap Møre og Romsdal: open data",
    version="1",
    description=API_DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs/",
    docs=Swagger(settings={"defaultModelsExpandDepth": 0}),
)

#: The largest id a caller may give (the database's bigint): larger ones are a 422, not an error.
MAX_ID = 2**63 - 1
#: Page sizes: the default, and the largest a caller may ask for.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def register_router(prefix: str, router: Router) -> None:
    """Add an app's router under /api/v1/<prefix> (call it from AppConfig.ready())."""
    api.add_router(prefix, router)


class Error(Schema):
    """The body of a 4xx answer."""

    detail: str


class FilterErrors(Schema):
    """The body of a 400 answer to filters that do not validate: messages by parameter."""

    detail: str
    errors: dict[str, list[str]]


#: A slug or code in a parameter: anything else (a NUL byte, which PostgreSQL refuses) is a 422.
SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,120}$"


def path_slug():
    """A path parameter holding a slug."""
    return Path(..., pattern=SLUG_PATTERN)


def query_slug():
    """An optional query parameter holding a slug or a code."""
    return Field(None, pattern=SLUG_PATTERN)


def path_id():
    """A path parameter holding an id (validated by ninja, so any text is a 422 in JSON)."""
    return Path(..., ge=1, le=MAX_ID)


class Invalid(Schema):
    """The body of a 422 answer: parameters of the wrong type or out of range (ninja's)."""

    detail: list[dict[str, Any]]


def filter_errors(filterset) -> dict:
    """The FilterErrors body of a django-filter FilterSet that did not validate."""
    return {
        "detail": "Invalid filter.",
        "errors": {name: [str(m) for m in messages] for name, messages in filterset.errors.items()},
    }


class PageParams(Schema):
    """Which page of a list, and how long."""

    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


T = TypeVar("T")


class Page(Schema, Generic[T]):
    """One page of a list, with the total and the addresses of the pages around it."""

    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    items: list[T]


#: The answers every list and detail endpoint may give besides 200 (for the schema).
COMMON_RESPONSES = {304: None, 404: Error, 422: Invalid, 429: Error}


def page_of(
    request,
    queryset,
    *,
    page: int,
    page_size: int,
    item: Callable | None = None,
    items: Callable | None = None,
) -> dict:
    """A Page of `queryset` (the count, then the rows), each row made by `item`, or the whole
    page's slice of the queryset made into its list by `items` (which may read it as values).

    A page past the last is an empty page, not an error: a list can shrink between requests."""
    count = queryset.count()
    start = (page - 1) * page_size
    if start >= count:
        listed = []
    elif items is not None:
        listed = items(queryset[start : start + page_size])
    else:
        listed = [item(row) for row in queryset[start : start + page_size]]

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        query["page_size"] = page_size
        return request.build_absolute_uri(f"{request.path}?{urlencode(query, doseq=True)}")

    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "next": link(page + 1) if start + page_size < count else None,
        "previous": link(page - 1) if page > 1 and start - page_size < count else None,
        "items": listed,
    }


def validated_elsewhere(request, body) -> HttpResponse:
    """The JSON answer of a body built to its schema by the endpoint itself, without ninja
    validating it again (a 50-row measure page spent a tenth of its time there); the schema
    tests check such bodies against the OpenAPI document."""
    return api.create_response(request, body, status=200)


def absolute(request, path: str) -> str:
    """The full address of a path on this portal."""
    return request.build_absolute_uri(path)


def conditional(state: Callable[[object], tuple[str, datetime]]):
    """Answer with ETag and Last-Modified, and 304 to a matching If-None-Match or
    If-Modified-Since, from `state(request)`: a token that changes with every change of what
    the endpoint shows, and when it last changed. The ETag also holds the address and the
    language, so each page, filter and translation has its own."""

    def read(request):
        cached = getattr(request, "_api_state", None)
        if cached is None:
            cached = request._api_state = state(request)
        return cached

    def etag(request, *args, **kwargs):
        token = read(request)[0]
        seed = f"{token}|{request.get_full_path()}|{translation.get_language()}"
        return hashlib.sha256(seed.encode()).hexdigest()[:32]

    def last_modified(request, *args, **kwargs):
        return read(request)[1]

    def decorator(view):
        conditioned = condition(etag_func=etag, last_modified_func=last_modified)(view)

        def wrapped(request, *args, **kwargs):
            response = conditioned(request, *args, **kwargs)
            # Shared caches may keep an answer (it is the same for everybody) but must ask
            # again before using it.
            response.setdefault("Cache-Control", "public, no-cache")
            return response

        return wrapped

    return decorate_view(decorator)
