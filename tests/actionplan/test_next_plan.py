"""Starting the next plan period: the preview, what is carried over, and the plan switch."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplan.models import Goal, Measure, MeasureStatus, Plan, SubGoal
from actionplan.services import plan_start_next
from tests.factories import (
    make_alice,
    make_committee,
    make_goal,
    make_measure,
    make_plan,
    make_priority_groups,
    make_status,
    make_subgoal,
    person_of,
)

FORM = {"title": "Felles handlingsplan 2027-2030", "start_year": "2027", "end_year": "2030"}


@pytest.fixture
def old(db):
    """The plan 2023–2026: committee A with a goal and sub-goal; measures done (left behind),
    not done, in progress, not reported, done earlier but in progress lately, and retired."""
    plan = make_plan()
    alice = make_alice()
    committee = make_committee("Utval A", leader=person_of(alice))
    goal = make_goal(plan, committee, "Hovudmål A")
    sub = make_subgoal(goal, "Delmål A1")
    other_goal = make_goal(plan, committee, "Hovudmål ferdig")
    children = make_priority_groups()[0]
    m = {
        "done": make_measure(other_goal, "Ferdig tiltak"),
        "not_done": make_measure(goal, "Ikkje gjort", subgoal=sub, priority_groups=[children]),
        "in_progress": make_measure(goal, "I arbeid", responsible="HMR"),
        "unreported": make_measure(goal, "Utan status"),
        "reopened": make_measure(goal, "Ferdig før, i arbeid no"),
        "retired": make_measure(goal, "Utgått", retired=True),
    }
    make_status(m["done"], 2025, "in_progress")
    make_status(m["done"], 2026, "done")
    make_status(m["not_done"], 2026, "not_done")
    make_status(m["in_progress"], 2025, "in_progress")
    make_status(m["unreported"], 2026, "", note="berre ein merknad")
    make_status(m["reopened"], 2024, "done")
    make_status(m["reopened"], 2025, "in_progress")
    return {"plan": plan, "alice": alice, "committee": committee, "goal": goal, "sub": sub, **m}


def _start(plan, carry_measure_ids, *, by, title="Ny plan", start_year=2027, end_year=2030):
    return plan_start_next(
        plan=plan,
        title=title,
        start_year=start_year,
        end_year=end_year,
        carry_measure_ids=carry_measure_ids,
        by=by,
    )


def _snapshot(plan):
    measures = Measure.objects.filter(goal__plan=plan).order_by("pk")
    return (
        list(Plan.objects.filter(pk=plan.pk).values("title", "start_year", "end_year")),
        list(Goal.objects.filter(plan=plan).order_by("pk").values()),
        list(measures.values()),
        list(MeasureStatus.objects.filter(measure__in=measures).order_by("pk").values()),
    )


def test_preview_carries_all_but_measures_done(old, client, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("actionplan:plan_next"), FORM)
    assert response.status_code == 200
    carry = {m.text: m.carry for c in response.context["preview"] for m in c.measures}
    assert carry == {
        "Ferdig tiltak": False,
        "Ikkje gjort": True,
        "I arbeid": True,
        "Utan status": True,
        "Ferdig før, i arbeid no": True,
    }
    html = response.content.decode()
    assert f'name="carry" value="{old["not_done"].pk}" id="carry-{old["not_done"].pk}" checked' in (
        html
    )
    assert f'value="{old["done"].pk}" id="carry-{old["done"].pk}">' in html  # unticked
    assert Plan.objects.count() == 1  # the preview saves nothing


def test_starting_the_next_plan_copies_the_carried_measures(old, client, secretariat):
    client.force_login(secretariat)
    carried = [old["not_done"], old["in_progress"], old["unreported"]]  # "reopened" unticked
    response = client.post(
        reverse("actionplan:plan_next"),
        {**FORM, "confirm": "1", "carry": [m.pk for m in carried]},
    )
    assert response.status_code == 302
    new = Plan.objects.get(title="Felles handlingsplan 2027-2030")
    assert (new.start_year, new.end_year, new.predecessor, new.ended) == (
        2027,
        2030,
        old["plan"],
        False,
    )
    copies = list(Measure.objects.filter(goal__plan=new).order_by("predecessor_id"))
    assert [c.predecessor for c in copies] == carried
    assert [c.text for c in copies] == ["Ikkje gjort", "I arbeid", "Utan status"]
    assert copies[1].responsible == "HMR"
    assert list(copies[0].priority_groups.values_list("slug", flat=True)) == ["barn-og-unge"]
    # Goals and sub-goals only as needed, in the same committee; statuses are not copied.
    assert list(Goal.objects.filter(plan=new).values_list("text", "committee")) == [
        ("Hovudmål A", old["committee"].pk)
    ]
    assert copies[0].subgoal.text == "Delmål A1"
    assert copies[1].subgoal is None
    assert SubGoal.objects.filter(goal__plan=new).count() == 1
    assert not MeasureStatus.objects.filter(measure__in=copies).exists()
    assert Plan.objects.current() == new


def test_old_plan_is_ended_and_otherwise_unchanged(old, secretariat):
    before = _snapshot(old["plan"])
    _start(old["plan"], [old["not_done"].pk], by=secretariat, title="Ny plan")
    old["plan"].refresh_from_db()
    assert old["plan"].ended is True
    assert _snapshot(old["plan"]) == before


def test_measure_page_shows_where_it_was_carried_over_from(old, client, secretariat):
    new = _start(old["plan"], [old["reopened"].pk], by=secretariat, title="Ny plan")
    third = _start(
        new,
        [Measure.objects.get(goal__plan=new).pk],
        by=secretariat,
        title="Tredje plan",
        start_year=2031,
        end_year=2034,
    )
    latest = Measure.objects.get(goal__plan=third)
    assert [m.goal.plan for m in latest.lineage()] == [new, old["plan"]]
    response = client.get(latest.get_absolute_url())
    html = response.content.decode()
    assert "History across plans" in html
    assert old["reopened"].get_absolute_url() in html
    assert "Felles handlingsplan 2023-2026" in html
    # The old measure's page points forward.
    old_html = client.get(old["reopened"].get_absolute_url()).content.decode()
    assert Measure.objects.get(goal__plan=new).get_absolute_url() in old_html


def test_a_measure_left_behind_cannot_be_smuggled_in_from_another_plan(old, secretariat):
    foreign = make_measure(make_goal(make_plan(title="Anna"), old["committee"]))
    with pytest.raises(ValidationError, match="Only active measures"):
        _start(old["plan"], [foreign.pk, old["retired"].pk], by=secretariat, title="Ny plan")
    assert Plan.objects.count() == 2
    assert not Plan.objects.filter(ended=True).exists()


def test_bad_form_input_saves_nothing(old, client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("actionplan:plan_next"),
        {"title": "X", "start_year": "2020", "end_year": "2019", "confirm": "1"},
    )
    assert response.status_code == 400
    assert "The new plan must start after 2023." in response.content.decode()
    response = client.post(
        reverse("actionplan:plan_next"), {**FORM, "confirm": "1", "carry": ["nonsense"]}
    )
    assert response.status_code == 200
    assert "Only active measures" in response.content.decode()
    assert Plan.objects.count() == 1


def test_editor_may_not_start_a_new_plan(old, client):
    client.force_login(old["alice"])
    assert client.get(reverse("actionplan:plan_next")).status_code == 403
    response = client.post(
        reverse("actionplan:plan_next"), {**FORM, "confirm": "1", "carry": [old["not_done"].pk]}
    )
    assert response.status_code == 403
    assert Plan.objects.count() == 1


def test_anonymous_is_sent_to_log_in(old, client):
    response = client.post(reverse("actionplan:plan_next"), {**FORM, "confirm": "1"})
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert Plan.objects.count() == 1


def test_service_refuses_a_non_secretariat_user(old):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _start(old["plan"], [], by=old["alice"], title="Ny")


# --- The plan switch on the public pages


@pytest.fixture
def two_plans(old, secretariat):
    new = _start(
        old["plan"], [old["not_done"].pk], by=secretariat, title="Felles handlingsplan 2027-2030"
    )
    return old["plan"], new


def test_public_pages_show_the_current_plan_by_default(two_plans, client):
    earlier, new = two_plans
    response = client.get(reverse("actionplan:overview"))
    assert response.context["plan"] == new
    html = response.content.decode()
    assert f'href="/plan/?plan={earlier.pk}"' in html  # the switch to the earlier plan
    table = client.get(reverse("actionplan:table"))
    assert [m.text for m in table.context["table"].data] == ["Ikkje gjort"]


def test_switch_shows_an_earlier_plan(two_plans, client, old):
    earlier, _new = two_plans
    response = client.get(reverse("actionplan:overview"), {"plan": earlier.pk})
    assert response.context["plan"] == earlier
    html = response.content.decode()
    # Links keep the earlier plan chosen.
    assert f"{old['committee'].get_absolute_url()}?plan={earlier.pk}" in html
    committee = client.get(old["committee"].get_absolute_url(), {"plan": earlier.pk})
    texts = {m.text for g in committee.context["goals"] for m in g.measures.all()}
    assert "Ferdig tiltak" in texts
    table = client.get(reverse("actionplan:table"), {"plan": earlier.pk})
    assert len(table.context["table"].data) == 5


def test_unknown_plan_is_not_found(two_plans, client):
    assert client.get(reverse("actionplan:overview"), {"plan": "999"}).status_code == 404
    assert client.get(reverse("actionplan:table"), {"plan": "x"}).status_code == 404


@pytest.mark.parametrize("size", [6, 300])
def test_preview_runs_a_fixed_number_of_queries(
    db, client, secretariat, django_assert_max_num_queries, size
):
    from tests.factories import make_plan_with_measures

    make_plan_with_measures(size)
    client.force_login(secretariat)
    with django_assert_max_num_queries(10):
        response = client.post(reverse("actionplan:plan_next"), FORM)
    assert sum(len(c.measures) for c in response.context["preview"]) == size
