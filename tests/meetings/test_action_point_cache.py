"""The action point list is cached, and never shows content older than the last save."""

import datetime

import pytest
from django.utils import timezone

from meetings.models import ActionPoint
from tests.factories import (
    make_action_point,
    make_alice,
    make_committee,
    make_meeting,
    make_person,
    make_user,
)

pytestmark = pytest.mark.django_db

URL = "/meetings/action-points/"


@pytest.fixture
def point():
    return make_action_point(
        make_meeting("Samarbeidsmøte", date=datetime.date(2026, 3, 16)),
        "Felles rutine",
        status="open",
        contact_person=make_person("Stian Endresen"),
        committee=make_committee("Rehabilitering", short_name="Rehab"),
    )


def _page(client, url=URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode().split("<tbody>", 1)[1]


def test_a_status_saved_shows_on_the_next_request(client, point):
    assert "status-open" in _page(client)
    point.status = "done"
    point.save()
    html = _page(client)
    assert "status-done" in html
    assert "status-open" not in html


def test_new_and_deleted_action_points_show_on_the_next_request(client, point):
    _page(client)
    make_action_point(point.meeting, "Nytt punkt")
    assert "Nytt punkt" in _page(client)
    ActionPoint.objects.get(text="Nytt punkt").delete()
    assert "Nytt punkt" not in _page(client)


@pytest.mark.parametrize("change", ["meeting title", "contact person", "committee"])
def test_every_edit_of_what_a_row_names_shows(client, point, change):
    _page(client)
    if change == "meeting title":
        point.meeting.title = "Dialogmøte"
        point.meeting.save()
        expected = "Dialogmøte"
    elif change == "contact person":
        point.contact_person.name = "Trude Solenes"
        point.contact_person.save()
        expected = "Trude Solenes"
    else:
        point.committee.short_name = "Nytt utval"
        point.committee.save()
        expected = "Nytt utval"
    assert expected in _page(client)


def test_a_meeting_made_private_leaves_the_list_at_once(client, point):
    assert "Felles rutine" in _page(client)
    point.meeting.is_public = False
    point.meeting.save()
    assert "Felles rutine" not in _page(client)


def test_private_points_are_never_served_to_readers_from_an_editors_cache(client, point, charlie):
    alice = make_alice()
    committee = make_committee("Utval A", editors=[alice])
    make_action_point(make_meeting("Lukka", is_public=False, committee=committee), "Løyndom")
    client.force_login(make_user(secretariat=True))
    assert "Løyndom" in _page(client)
    client.force_login(alice)
    assert "Løyndom" in _page(client)
    client.force_login(charlie)
    assert "Løyndom" not in _page(client)
    client.logout()
    assert "Løyndom" not in _page(client)


def test_a_point_becomes_overdue_the_day_after_its_due_date(client, point, monkeypatch):
    today = timezone.localdate()
    point.due_date = today
    point.save()
    assert "status-overdue" not in _page(client)
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + datetime.timedelta(days=1))
    assert "status-overdue" in _page(client)


def test_the_cached_list_is_served_without_its_filters_and_rows_queries(
    client, point, django_assert_max_num_queries
):
    _page(client)
    # The content versions only (anonymous: no session or user).
    with django_assert_max_num_queries(1):
        assert "Felles rutine" in _page(client)
