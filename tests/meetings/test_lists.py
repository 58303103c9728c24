"""The lists keep a constant number of queries, small data or large."""

import datetime

import pytest
from django.utils import timezone

from meetings.models import SeriesException
from tests.factories import (
    make_action_point,
    make_agenda_item,
    make_committee,
    make_meeting,
    make_person,
    make_series,
)

# One bound for small and large data: the number must not grow with the rows.
MAX_QUERIES = 8


def _build(n):
    today = timezone.localdate()
    committees = [make_committee() for _ in range(3)]
    people = [make_person() for _ in range(3)]
    for i in range(n):
        committee = committees[i % 3]
        series = make_series(
            forum="committee", committee=committee, weekdays=[i % 5], valid_from=today
        )
        SeriesException.objects.create(
            series=series,
            original_date=series.next_occurrences(1, today=today)[0].original_date,
            cancelled=True,
        )
        meeting = make_meeting(
            committee=committee,
            series=series,
            date=today + datetime.timedelta(days=i % 30),
            start_time=datetime.time(9, 0),
        )
        make_agenda_item(meeting, presenter=people[i % 3])
        make_action_point(
            meeting, contact_person=people[i % 3], committee=committee, due_date=today
        )


@pytest.fixture(params=[2, 40], ids=["small", "large"])
def data(request, db):
    _build(request.param)
    return request.param


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/",
        "/meetings/all/",
        "/meetings/action-points/",
        "/meetings/action-points/?overdue=false&status=open",
        "/meetings/series/",
        "/meetings/calendar.ics",
    ],
)
def test_list_queries_do_not_grow_with_data(client, data, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200


# The action point list (issue 9): the content versions, the count, the rows and the filter
# choices (contact people, committees, meetings) after a change; the versions alone once its
# fragment is cached.
ACTION_POINT_LIST_QUERIES = 6
ACTION_POINT_LIST_WARM_QUERIES = 1


def test_action_point_list_queries_are_pinned(client, data, django_assert_num_queries):
    url = "/meetings/action-points/?sort=-due_date"
    with django_assert_num_queries(ACTION_POINT_LIST_QUERIES):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(ACTION_POINT_LIST_WARM_QUERIES):
        assert client.get(url).status_code == 200


def test_month_view_queries_do_not_grow(client, data, django_assert_max_num_queries):
    today = timezone.localdate()
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(f"/meetings/calendar/{today.year}/{today.month}/")
    assert response.status_code == 200


def test_meeting_page_queries_do_not_grow(client, db, django_assert_max_num_queries):
    meeting = make_meeting(date=timezone.localdate())
    for _ in range(30):
        make_agenda_item(meeting, presenter=make_person())
        make_action_point(meeting, contact_person=make_person())
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(f"/meetings/{meeting.pk}/").status_code == 200


@pytest.mark.parametrize("n", [2, 30])
def test_partial_for_committee_and_measure_pages_is_constant(db, n, django_assert_num_queries):
    from django.template.loader import render_to_string

    from actionplan.models import Committee
    from meetings.models import ActionPoint
    from tests.factories import make_goal, make_measure, make_plan

    _build(n)
    committee = Committee.objects.first()
    measure = make_measure(make_goal(make_plan(), committee))
    ActionPoint.objects.update(measure=measure)
    with django_assert_num_queries(1):
        render_to_string(
            "meetings/_action_points.html",
            {"action_points": ActionPoint.objects.open_for_committee(committee)},
        )
    with django_assert_num_queries(1):
        render_to_string(
            "meetings/_action_points.html",
            {"action_points": ActionPoint.objects.for_measure(measure), "show_meeting": True},
        )
