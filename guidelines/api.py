"""Guidelines in the open-data API: the library with the same filters (GuidelineFilter), each
guideline with its published versions (registered in apps.py; see helsefellesskap/api.py).

Everything here is public in the library too; who published a version is left out.
"""

import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from actionplan.api import CommitteeRef, committee_ref
from actionplan.caching import PLAN_CONTENT
from helsefellesskap.api import (
    COMMON_RESPONSES,
    MAX_ID,
    FilterErrors,
    Page,
    PageParams,
    absolute,
    conditional,
    filter_errors,
    page_of,
    path_id,
    path_slug,
)
from helsefellesskap.content_versions import content_state

from .caching import GUIDELINES_CONTENT
from .filters import GuidelineFilter
from .models import Guideline, GuidelineVersion

router = Router(tags=["Guidelines"])
guidelines_state = conditional(content_state(GUIDELINES_CONTENT, PLAN_CONTENT))


class VersionOut(Schema):
    number: int
    title: str
    change_note: str
    published_at: datetime.datetime | None
    url: str
    web_url: str


class VersionTextOut(VersionOut):
    summary: str
    body: str


class GuidelineOut(Schema):
    slug: str
    title: str
    summary: str
    status: str
    committee: CommitteeRef | None
    priority_groups: list[str]
    adopted_on: datetime.date | None
    last_updated_on: datetime.date | None
    next_review_on: datetime.date | None
    source: str
    source_title: str
    source_url: str
    full_text_elsewhere: bool
    body: str
    versions: list[VersionOut]
    url: str
    web_url: str


class GuidelineParams(Schema):
    """The library's filters: `committee` (id), `priority_group` (id), `status`, `q` text."""

    q: str | None = None
    committee: int | None = Field(None, ge=1, le=MAX_ID)
    priority_group: int | None = Field(None, ge=1, le=MAX_ID)
    status: str | None = None


def _version_out(request, guideline, version, *, text=False) -> dict:
    out = {
        "number": version.number,
        "title": version.title,
        "change_note": version.change_note,
        "published_at": version.published_at,
        "url": absolute(
            request, reverse("api:guideline_version", args=[guideline.slug, version.number])
        ),
        "web_url": absolute(
            request, reverse("guidelines:version", args=[guideline.slug, version.number])
        ),
    }
    if text:
        out.update(summary=version.summary, body=version.body)
    return out


def _guideline_out(request, guideline) -> dict:
    return {
        **{
            name: getattr(guideline, name)
            for name in (
                "slug",
                "title",
                "summary",
                "status",
                "adopted_on",
                "last_updated_on",
                "next_review_on",
                "source",
                "source_title",
                "source_url",
                "full_text_elsewhere",
                "body",
            )
        },
        "committee": committee_ref(request, guideline.committee) if guideline.committee else None,
        "priority_groups": [group.slug for group in guideline.priority_groups.all()],
        "versions": [_version_out(request, guideline, v) for v in guideline.versions.all()],
        "url": absolute(request, reverse("api:guideline", args=[guideline.slug])),
        "web_url": absolute(request, guideline.get_absolute_url()),
    }


def _with_versions(queryset):
    versions = GuidelineVersion.objects.defer("body", "summary").order_by("-number")
    return queryset.prefetch_related(Prefetch("versions", queryset=versions))


@router.get(
    "/guidelines",
    response={200: Page[GuidelineOut], 400: FilterErrors, **COMMON_RESPONSES},
    url_name="guidelines",
)
@guidelines_state
def guidelines(request, filters: Query[GuidelineParams], pages: Query[PageParams]):
    """The guideline library (withdrawn ones too, marked by `status`), by title; filtered as
    the library is."""
    queryset = _with_versions(Guideline.objects.for_library()).order_by("title", "pk")
    filterset = GuidelineFilter(request.GET, queryset=queryset)
    if not filterset.is_valid():
        return 400, filter_errors(filterset)
    return page_of(request, filterset.qs, **pages.dict(), item=lambda g: _guideline_out(request, g))


@router.get(
    "/guidelines/{slug}", response={200: GuidelineOut, **COMMON_RESPONSES}, url_name="guideline"
)
@guidelines_state
def guideline(request, slug: str = path_slug()):
    """One guideline: its current text (Markdown) and its versions, newest first."""
    one = get_object_or_404(_with_versions(Guideline.objects.for_library()), slug=slug)
    return _guideline_out(request, one)


@router.get(
    "/guidelines/{slug}/versions/{number}",
    response={200: VersionTextOut, **COMMON_RESPONSES},
    url_name="guideline_version",
)
@guidelines_state
def guideline_version(request, slug: str = path_slug(), number: int = path_id()):
    """One published version's text, as it was published."""
    version = get_object_or_404(
        GuidelineVersion.objects.select_related("guideline"), guideline__slug=slug, number=number
    )
    return _version_out(request, version.guideline, version, text=True)
