import datetime

import pytest
from django.utils import timezone

from meetings.models import ActionPoint
from tests.factories import (
    make_action_point,
    make_committee,
    make_goal,
    make_measure,
    make_meeting,
    make_person,
    make_plan,
)


@pytest.fixture
def points(db):
    today = timezone.localdate()
    committee = make_committee("Rehabilitering", slug="rehab")
    stian = make_person("Stian Endresen")
    meeting = make_meeting("Samarbeidsmøte", date=datetime.date(2020, 3, 16))
    other = make_meeting("Dialogmøte")
    return {
        "committee": committee,
        "stian": stian,
        "meeting": meeting,
        "overdue": make_action_point(
            meeting, "Forfalle", status="open", due_date=today - datetime.timedelta(days=1)
        ),
        "due_later": make_action_point(
            meeting,
            "Seinare",
            status="in_progress",
            due_date=today + datetime.timedelta(days=5),
            contact_person=stian,
            committee=committee,
        ),
        "done_late": make_action_point(
            other, "Gjort", status="done", due_date=today - datetime.timedelta(days=9)
        ),
        "dropped": make_action_point(other, "Droppa", status="dropped"),
    }


def _texts(client, query=""):
    response = client.get(f"/meetings/action-points/{query}")
    assert response.status_code == 200
    table = response.context["table"]
    return sorted(row.record.text for row in table.paginated_rows)


def test_list_shows_all_action_points(client, points):
    assert _texts(client) == ["Droppa", "Forfalle", "Gjort", "Seinare"]


def test_filter_by_status(client, points):
    assert _texts(client, "?status=open&status=in_progress") == ["Forfalle", "Seinare"]


def test_filter_by_contact_person_committee_and_meeting(client, points):
    assert _texts(client, f"?contact_person={points['stian'].pk}") == ["Seinare"]
    assert _texts(client, f"?committee={points['committee'].pk}") == ["Seinare"]
    assert _texts(client, f"?meeting={points['meeting'].pk}") == ["Forfalle", "Seinare"]


def test_overdue_means_open_and_past_due(client, points):
    # Done points past their date are not overdue.
    assert _texts(client, "?overdue=true") == ["Forfalle"]
    assert _texts(client, "?overdue=false") == ["Droppa", "Gjort", "Seinare"]


def test_overdue_is_shown_as_text(client, points):
    assert "Overdue" in client.get("/meetings/action-points/?overdue=true").content.decode()


def test_action_points_of_closed_meetings_stay_hidden(client, points):
    closed = make_meeting("Lukka", is_public=False)
    make_action_point(closed, "Løyndom")
    assert "Løyndom" not in _texts(client)


def test_for_measure_and_open_for_committee(points):
    plan = make_plan()
    measure = make_measure(make_goal(plan, points["committee"]))
    done = make_action_point(points["meeting"], "Ferdig", measure=measure, status="done")
    linked = make_action_point(points["meeting"], "Knytt til tiltak", measure=measure)
    make_action_point(points["meeting"], "Anna tiltak")
    # Open points first.
    assert list(ActionPoint.objects.for_measure(measure)) == [linked, done]
    committee_meeting = make_meeting("Utvalsmøte", committee=points["committee"])
    from_meeting = make_action_point(committee_meeting, "Frå utvalsmøtet", status="open")
    make_action_point(committee_meeting, "Ferdig", status="done")
    assert set(ActionPoint.objects.open_for_committee(points["committee"])) == {
        points["due_later"],
        from_meeting,
    }


def test_partial_renders_for_a_measure_page(points, rf):
    from django.template.loader import render_to_string

    html = render_to_string(
        "meetings/_action_points.html",
        {"action_points": [points["due_later"]], "show_meeting": True},
    )
    assert "Seinare" in html
    assert "Stian Endresen" in html
    assert "Samarbeidsmøte" in html


def test_organiser_follows_up_an_action_point_and_history_is_kept(client, secretariat, points):
    point = points["overdue"]
    client.force_login(secretariat)
    response = client.post(
        f"/meetings/action-points/{point.pk}/edit/",
        {"text": point.text, "status": "done", "follow_up": "Sendt ut 20.3."},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.status == "done"
    assert [h.status for h in point.history.order_by("history_date")] == ["open", "done"]


def test_editor_cannot_follow_up_other_committees_action_point(client, alice, committee_b):
    point = make_action_point(make_meeting(committee=committee_b), "B sitt")
    client.force_login(alice)
    response = client.post(
        f"/meetings/action-points/{point.pk}/edit/", {"text": "x", "status": "done"}
    )
    assert response.status_code == 403
    point.refresh_from_db()
    assert point.status == "open"
