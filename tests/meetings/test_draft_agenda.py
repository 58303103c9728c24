import datetime

from django.utils import timezone

from meetings.prefill import draft_agenda
from tests.factories import (
    make_action_point,
    make_goal,
    make_measure,
    make_meeting,
    make_person,
    make_plan,
    make_status,
)


def _committee_with_history(committee):
    """A committee that met 30 days ago, with measures changed before and after that."""
    today = timezone.localdate()
    plan = make_plan()
    goal = make_goal(plan, committee)
    unchanged = make_measure(goal, "Uendra tiltak")
    changed = make_measure(goal, "Endra tiltak")
    never = make_measure(goal, "Tiltak utan status")
    old = make_status(unchanged, 2026, "in_progress")
    type(old).objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=60)
    )
    make_status(changed, 2026, "done")  # updated now: after the previous meeting
    previous = make_meeting(
        "Førre møte", committee=committee, date=today - datetime.timedelta(days=30)
    )
    make_action_point(
        previous, "Opent punkt", status="open", contact_person=make_person("Stian Endresen")
    )
    make_action_point(previous, "Ferdig punkt", status="done")
    return previous, unchanged, changed, never


def test_draft_agenda_has_open_action_points_then_unchanged_measures(committee_a):
    previous, *_ = _committee_with_history(committee_a)
    items, found = draft_agenda(committee_a, on_date=timezone.localdate())
    assert found == previous
    assert [item["title"] for item in items] == [
        "Opent punkt",
        "Uendra tiltak",
        "Tiltak utan status",
    ]
    assert "Stian Endresen" in items[0]["description"]
    assert [item["order"] for item in items] == [1, 2, 3]


def test_without_an_earlier_meeting_only_action_points_are_drafted(committee_a):
    plan = make_plan()
    make_measure(make_goal(plan, committee_a), "Tiltak")
    make_action_point(make_meeting(committee=committee_a), "Opent punkt", status="open")
    items, previous = draft_agenda(committee_a, on_date=timezone.localdate())
    assert previous is None
    assert [item["title"] for item in items] == ["Opent punkt"]


def test_organiser_gets_a_prefilled_agenda_form(client, alice, committee_a):
    _committee_with_history(committee_a)
    client.force_login(alice)
    response = client.get(f"/meetings/new/?draft_for-committee={committee_a.pk}")
    assert response.status_code == 200
    formset = response.context["formset"]
    assert [f.initial.get("title") for f in formset.forms][:3] == [
        "Opent punkt",
        "Uendra tiltak",
        "Tiltak utan status",
    ]
    assert response.context["form"].initial["committee"] == committee_a.pk


def test_editor_cannot_draft_for_another_committee(client, alice, committee_a, committee_b):
    _committee_with_history(committee_b)
    client.force_login(alice)
    response = client.get(f"/meetings/new/?draft_for-committee={committee_b.pk}")
    # Not among Alice's choices: no draft is made, nothing of B's is shown.
    assert response.status_code == 200
    assert "Opent punkt" not in response.content.decode()
