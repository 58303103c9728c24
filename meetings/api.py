"""Meetings in the open-data API: public meetings, the meeting series, and the action points
of public meetings (registered in apps.py; see helsefellesskap/api.py).

The querysets are the pages' own, as an anonymous visitor reads them (meetings_visible_to and
action_points_visible_to in meetings/rights.py): a meeting that is not public, and its action
points, are never here. Video links and people's contact details are left out.
"""

import datetime
from typing import Annotated

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from actionplan.api import CommitteeRef, committee_ref
from actionplan.caching import PLAN_CONTENT
from helsefellesskap.api import (
    COMMON_RESPONSES,
    MAX_ID,
    Page,
    PageParams,
    absolute,
    conditional,
    page_of,
    path_id,
    query_slug,
)
from helsefellesskap.content_versions import content_state

from .caching import MEETINGS_CONTENT
from .models import MeetingSeries
from .rights import action_points_visible_to, public_meetings

router = Router(tags=["Meetings"])
meetings_state = conditional(content_state(MEETINGS_CONTENT, PLAN_CONTENT))
#: The API shows what a visitor sees, whoever asks (helsefellesskap/api.py).
PUBLIC = AnonymousUser()


#: A local (Norwegian) time of day, "HH:MM"; OpenAPI's "time" format would need an offset.
LocalTime = Annotated[str, Field(pattern=r"^[0-2][0-9]:[0-5][0-9]$", examples=["12:30"])]


def _time(value: datetime.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


class SeriesOut(Schema):
    id: int
    name: str
    forum: str
    committee: CommitteeRef | None
    participants: str
    led_by: str
    place: str
    description: str
    frequency: str
    weekdays: list[int]
    start_time: LocalTime
    end_time: LocalTime
    valid_from: datetime.date
    valid_until: datetime.date | None
    schedule_confirmed: bool
    url: str
    web_url: str


class MeetingOut(Schema):
    id: int
    title: str
    series: int | None
    committee: CommitteeRef | None
    date: datetime.date | None
    start_time: LocalTime | None
    end_time: LocalTime | None
    date_note: str
    place: str
    purpose: str
    minutes: str
    url: str
    web_url: str


class ActionPointOut(Schema):
    id: int
    meeting: int
    topic: str
    text: str
    responsible_organisation: str
    due_date: datetime.date | None
    status: str
    follow_up: str
    measure: int | None
    committee: CommitteeRef | None
    updated_at: datetime.datetime
    meeting_url: str


class MeetingParams(Schema):
    committee: str | None = query_slug()
    series: int | None = Field(None, ge=1, le=MAX_ID)


class ActionPointParams(Schema):
    committee: str | None = query_slug()
    meeting: int | None = Field(None, ge=1, le=MAX_ID)
    status: str | None = query_slug()


def _ref(request, committee):
    return committee_ref(request, committee) if committee is not None else None


def _series_out(request, series) -> dict:
    return {
        **{
            name: getattr(series, name)
            for name in (
                "id",
                "name",
                "forum",
                "participants",
                "led_by",
                "place",
                "description",
                "frequency",
                "weekdays",
                "start_time",
                "end_time",
                "valid_from",
                "valid_until",
                "schedule_confirmed",
            )
        },
        "start_time": _time(series.start_time),
        "end_time": _time(series.end_time),
        "committee": _ref(request, series.committee),
        "url": absolute(request, reverse("api:series", args=[series.pk])),
        "web_url": absolute(request, series.get_absolute_url()),
    }


def _meeting_out(request, meeting) -> dict:
    return {
        **{
            name: getattr(meeting, name)
            for name in (
                "id",
                "title",
                "date",
                "start_time",
                "end_time",
                "date_note",
                "place",
                "purpose",
                "minutes",
            )
        },
        "start_time": _time(meeting.start_time),
        "end_time": _time(meeting.end_time),
        "series": meeting.series_id,
        "committee": _ref(request, meeting.committee),
        "url": absolute(request, reverse("api:meeting", args=[meeting.pk])),
        "web_url": absolute(request, meeting.get_absolute_url()),
    }


def _action_point_out(request, point) -> dict:
    return {
        **{
            name: getattr(point, name)
            for name in (
                "id",
                "topic",
                "text",
                "responsible_organisation",
                "due_date",
                "status",
                "follow_up",
                "updated_at",
            )
        },
        "meeting": point.meeting_id,
        "measure": point.measure_id,
        "committee": _ref(request, point.committee),
        "meeting_url": absolute(request, reverse("api:meeting", args=[point.meeting_id])),
    }


@router.get(
    "/meeting-series", response={200: Page[SeriesOut], **COMMON_RESPONSES}, url_name="series_list"
)
@meetings_state
def series_list(request, pages: Query[PageParams]):
    """Every recurring meeting with its schedule (all series are public)."""
    queryset = MeetingSeries.objects.select_related("committee").order_by("forum", "name", "pk")
    return page_of(request, queryset, **pages.dict(), item=lambda s: _series_out(request, s))


@router.get(
    "/meeting-series/{series_id}",
    response={200: SeriesOut, **COMMON_RESPONSES},
    url_name="series",
)
@meetings_state
def series(request, series_id: int = path_id()):
    """One meeting series."""
    one = get_object_or_404(MeetingSeries.objects.select_related("committee"), pk=series_id)
    return _series_out(request, one)


@router.get("/meetings", response={200: Page[MeetingOut], **COMMON_RESPONSES}, url_name="meetings")
@meetings_state
def meetings(request, filters: Query[MeetingParams], pages: Query[PageParams]):
    """Public meetings, newest first; `committee` (slug) and `series` (id) narrow the list."""
    queryset = public_meetings().for_list().newest_first()
    if filters.committee:
        queryset = queryset.filter(committee__slug=filters.committee)
    if filters.series is not None:
        queryset = queryset.filter(series_id=filters.series)
    return page_of(request, queryset, **pages.dict(), item=lambda m: _meeting_out(request, m))


@router.get(
    "/meetings/{meeting_id}", response={200: MeetingOut, **COMMON_RESPONSES}, url_name="meeting"
)
@meetings_state
def meeting(request, meeting_id: int = path_id()):
    """One public meeting with its minutes."""
    return _meeting_out(request, get_object_or_404(public_meetings().for_list(), pk=meeting_id))


@router.get(
    "/action-points",
    response={200: Page[ActionPointOut], **COMMON_RESPONSES},
    url_name="action_points",
)
@meetings_state
def action_points(request, filters: Query[ActionPointParams], pages: Query[PageParams]):
    """Action points of public meetings; `committee` (slug), `meeting` (id) and `status`
    (open, in_progress, done, dropped) narrow the list."""
    queryset = (
        action_points_visible_to(PUBLIC)
        .select_related("committee")
        .order_by("-meeting__date", "meeting_id", "order", "pk")
    )
    if filters.committee:
        queryset = queryset.filter(committee__slug=filters.committee)
    if filters.meeting is not None:
        queryset = queryset.filter(meeting_id=filters.meeting)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return page_of(request, queryset, **pages.dict(), item=lambda p: _action_point_out(request, p))
