"""The defects an adversarial probe found, replayed: each is refused or survived.

An editor of committee A cannot point an action point at committee B or B's measures; a line
break in a one-line field cannot take a calendar feed down; a foreign Host gets 400, not 500.
"""

import datetime

import pytest
from icalendar import Calendar

from helsefellesskap.text import one_line
from meetings.models import ActionPoint, Meeting, MeetingSeries
from tests.factories import (
    make_committee,
    make_goal,
    make_measure,
    make_meeting,
    make_plan,
    make_series,
    make_user,
)


@pytest.fixture
def world(db):
    alice = make_user("alice")
    a = make_committee("Utval A", slug="utval-a", editors=[alice])
    b = make_committee("Utval B", slug="utval-b")
    plan = make_plan()
    return {
        "alice": alice,
        "a": a,
        "b": b,
        "measure_a": make_measure(make_goal(plan, a)),
        "measure_b": make_measure(make_goal(plan, b)),
        "meeting": make_meeting("Møte i A", committee=a, date=datetime.date(2026, 5, 4)),
    }


def _new_point(client, world, **fields):
    body = {"text": "Følg opp", "status": "open", **fields}
    return client.post(f"/meetings/{world['meeting'].pk}/action-points/new/", body)


def test_an_editor_cannot_put_an_action_point_on_another_committee(client, world):
    client.force_login(world["alice"])
    response = _new_point(client, world, committee=world["b"].pk)
    assert response.status_code == 200  # the form says the choice is not allowed
    assert "committee" in response.context["form"].errors
    assert not ActionPoint.objects.exists()


def test_an_editor_cannot_tie_an_action_point_to_another_committees_measure(client, world):
    client.force_login(world["alice"])
    response = _new_point(client, world, committee=world["a"].pk, measure=world["measure_b"].pk)
    assert "measure" in response.context["form"].errors
    assert not ActionPoint.objects.exists()


def test_the_action_point_form_offers_only_the_editors_own_committees(client, world):
    client.force_login(world["alice"])
    form = client.get(f"/meetings/{world['meeting'].pk}/action-points/new/").context["form"]
    assert list(form.fields["committee"].queryset) == [world["a"]]
    assert list(form.fields["measure"].queryset) == [world["measure_a"]]


def test_an_editor_still_adds_points_to_their_own_committee(client, world):
    client.force_login(world["alice"])
    response = _new_point(client, world, committee=world["a"].pk, measure=world["measure_a"].pk)
    assert response.status_code == 302
    point = ActionPoint.objects.get()
    assert (point.committee, point.measure) == (world["a"], world["measure_a"])


def test_the_secretariat_may_point_at_any_committee(client, world, secretariat):
    client.force_login(secretariat)
    response = _new_point(client, world, committee=world["b"].pk, measure=world["measure_b"].pk)
    assert response.status_code == 302
    assert ActionPoint.objects.get().committee == world["b"]


@pytest.mark.parametrize("value", ["A\r\nB", "A\nB", "A\rB", "A\tB", "A\x0bB", "A\u2028B"])
def test_one_line_collapses_every_line_break_and_control_character(value):
    assert one_line(value) == "A B"


def test_a_line_break_posted_into_a_one_line_field_is_collapsed(world, secretariat):
    from meetings.forms import ActionPointForm

    form = ActionPointForm(
        {"topic": "Tema\r\nX-INJECTED:1", "text": "Linje 1\nLinje 2", "status": "open"},
        user=secretariat,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["topic"] == "Tema X-INJECTED:1"
    # A multi-line field keeps its lines.
    assert form.cleaned_data["text"] == "Linje 1\nLinje 2"


def test_a_line_break_already_stored_in_a_title_does_not_take_the_feeds_down(client, db):
    series = make_series("Serie\r\nX-WR-CALNAME:evil", weekdays=[0])
    meeting = make_meeting("Møte\nBEGIN:VEVENT", date=datetime.date(2026, 5, 4))
    MeetingSeries.objects.filter(pk=series.pk).update(name="Serie\r\nX-WR-CALNAME:evil")
    Meeting.objects.filter(pk=meeting.pk).update(title="Møte\nBEGIN:VEVENT")
    for url in (
        f"/meetings/series/{series.pk}/calendar.ics",
        f"/meetings/{meeting.pk}/meeting.ics",
        "/meetings/calendar.ics",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        calendar = Calendar.from_ical(response.content)
        for event in calendar.walk("VEVENT"):
            assert "\n" not in str(event["SUMMARY"])
        assert b"\r\nX-WR-CALNAME:evil" not in response.content
        assert b"\nBEGIN:VEVENT\r\nBEGIN" not in response.content


@pytest.mark.parametrize("debug", [False, True])
def test_a_foreign_host_header_gets_400_not_500(client, settings, debug):
    settings.DEBUG = debug
    settings.ALLOWED_HOSTS = ["helsefellesskap.example"]
    client.raise_request_exception = False
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400


def test_the_400_page_renders_for_a_request_without_a_user(rf):
    from helsefellesskap.context_processors import portal

    request = rf.get("/")
    assert not hasattr(request, "user")
    context = portal(request)
    assert context["user_is_secretariat"] is False
    assert context["user_is_editor"] is False
