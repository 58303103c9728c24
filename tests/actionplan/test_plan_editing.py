"""Editors add, edit, reorder and retire goals, sub-goals and measures; nothing is deleted."""

import pytest
from django.urls import reverse

from actionplan.models import Goal, Measure, SubGoal
from actionplan.services import plan_item_retire, plan_item_update
from tests.factories import make_measure, make_priority_groups


def test_editor_adds_a_measure_under_a_subgoal_with_priority_groups(world, alice_client, alice):
    groups = make_priority_groups()
    url = reverse("actionplan:measure_create", args=[world.goal_a.pk])
    response = alice_client.post(
        url,
        {
            "text": "Nytt tiltak",
            "subgoal": world.subgoal_a.pk,
            "responsible": "LSU Molde",
            "measurement": "Tal avvik",
            "priority_groups": [groups[0].pk, groups[2].pk],
            "notes": "",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get(text="Nytt tiltak")
    assert (measure.goal, measure.subgoal, measure.responsible) == (
        world.goal_a,
        world.subgoal_a,
        "LSU Molde",
    )
    assert set(measure.priority_groups.all()) == {groups[0], groups[2]}
    assert measure.order > world.measure_a.order  # added last
    assert measure.history.earliest().history_user == alice


def test_subgoal_of_another_goal_is_not_a_valid_choice(world, alice_client):
    url = reverse("actionplan:measure_create", args=[world.goal_a.pk])
    response = alice_client.post(url, {"text": "X", "subgoal": world.subgoal_b.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Measure.objects.filter(text="X").exists()


def test_empty_and_over_long_text_are_refused(world, alice_client):
    url = reverse("actionplan:goal_edit", args=[world.goal_a.pk])
    for text in ["   ", "x" * 3001]:
        response = alice_client.post(url, {"text": text, "version": 1})
        assert response.status_code == 400
    world.goal_a.refresh_from_db()
    assert world.goal_a.version == 1
    assert world.goal_a.text.startswith("Hovudmål")


def test_editor_edits_a_measure_and_history_keeps_old_and_new(world, alice_client, alice):
    url = reverse("actionplan:measure_edit", args=[world.measure_a.pk])
    data = {"text": "Nytt namn", "subgoal": world.subgoal_a.pk, "responsible": "HMR"}
    response = alice_client.post(url, {**data, "version": 1})
    assert response.status_code == 302
    world.measure_a.refresh_from_db()
    assert (world.measure_a.text, world.measure_a.version) == ("Nytt namn", 2)
    new, old = world.measure_a.history.order_by("-history_id")[:2]
    assert (old.text, new.text, new.history_user) == ("Tiltak A", "Nytt namn", alice)


def test_stale_edit_is_refused_showing_their_change(world, alice_client, sara):
    world.measure_a.text = "Saras tekst"
    plan_item_update(item=world.measure_a, by=sara, expected_version=1)
    url = reverse("actionplan:measure_edit", args=[world.measure_a.pk])
    response = alice_client.post(url, {"text": "Alices tekst", "version": 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Saras tekst" in html
    assert "Alices tekst" in html
    assert "Sara" in html
    world.measure_a.refresh_from_db()
    assert (world.measure_a.text, world.measure_a.version) == ("Saras tekst", 2)


def test_editor_cannot_edit_other_committee(world, alice_client):
    for url, data in [
        (reverse("actionplan:goal_edit", args=[world.goal_b.pk]), {"text": "X", "version": 1}),
        (
            reverse("actionplan:subgoal_edit", args=[world.subgoal_b.pk]),
            {"text": "X", "version": 1},
        ),
        (
            reverse("actionplan:measure_edit", args=[world.measure_b.pk]),
            {"text": "X", "version": 1},
        ),
        (reverse("actionplan:goal_create", args=[world.committee_b.slug]), {"text": "X"}),
        (reverse("actionplan:subgoal_create", args=[world.goal_b.pk]), {"text": "X"}),
        (reverse("actionplan:measure_create", args=[world.goal_b.pk]), {"text": "X"}),
    ]:
        assert alice_client.post(url, data).status_code == 403, url
        assert alice_client.get(url).status_code == 403, url
    assert not Goal.objects.filter(text="X").exists()
    assert not SubGoal.objects.filter(text="X").exists()
    assert not Measure.objects.filter(text="X").exists()


def test_move_swaps_with_neighbour_and_is_keyboard_buttons(world, alice_client):
    second = make_measure(world.goal_a, "Andre", subgoal=world.subgoal_a, order=20)
    url = reverse("actionplan:plan_item_move", args=["measure", second.pk])
    assert alice_client.post(url, {"direction": "up"}).status_code == 302
    order = list(world.measure_a.siblings().order_by("order", "pk").values_list("text", flat=True))
    assert order == ["Andre", "Tiltak A"]
    page = alice_client.get(reverse("actionplan:committee_plan_edit", args=["utval-a"]))
    assert b'<button type="submit" name="direction" value="up">' in page.content


def test_moving_first_up_changes_nothing(world, alice_client):
    url = reverse("actionplan:plan_item_move", args=["goal", world.goal_a.pk])
    assert alice_client.post(url, {"direction": "up"}).status_code == 302
    assert world.goal_a.history.count() == 1


def test_bad_direction_is_400(world, alice_client):
    url = reverse("actionplan:plan_item_move", args=["subgoal", world.subgoal_a.pk])
    assert alice_client.post(url, {"direction": "sideways"}).status_code == 400


def test_retire_hides_from_current_plan_but_keeps_the_row(world, alice_client):
    url = reverse("actionplan:plan_item_retire", args=["measure", world.measure_a.pk])
    assert alice_client.post(url).status_code == 302
    assert not Measure.objects.active().filter(pk=world.measure_a.pk).exists()
    assert Measure.objects.filter(pk=world.measure_a.pk, retired=True).exists()


def test_retiring_asks_first_names_the_item_and_keeps_the_reason(world, alice_client):
    url = reverse("actionplan:plan_item_retire", args=["goal", world.goal_a.pk])
    page = alice_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert world.goal_a.text in html
    assert "<h1>Retire from the plan?</h1>" in html
    assert Measure.objects.active().filter(goal=world.goal_a).exists()  # nothing changed yet

    assert alice_client.post(url, {"reason": "Slått saman med mål 2"}).status_code == 302
    world.goal_a.refresh_from_db()
    assert world.goal_a.retired
    assert world.goal_a.history.latest().history_change_reason == "Slått saman med mål 2"


def test_restoring_asks_first(world, alice, sara_client):
    plan_item_retire(item=world.measure_a, retired=True, by=alice)
    url = reverse("actionplan:plan_item_restore", args=["measure", world.measure_a.pk])
    assert "<h1>Restore to the plan?</h1>" in sara_client.get(url).content.decode()
    world.measure_a.refresh_from_db()
    assert world.measure_a.retired
    assert sara_client.post(url, {"reason": ""}).status_code == 302
    world.measure_a.refresh_from_db()
    assert not world.measure_a.retired


def test_retiring_a_goal_hides_its_measures(world, alice_client):
    alice_client.post(reverse("actionplan:plan_item_retire", args=["goal", world.goal_a.pk]))
    assert not Measure.objects.active().filter(goal=world.goal_a).exists()


def test_only_secretariat_restores(world, alice_client, sara_client):
    alice_client.post(reverse("actionplan:plan_item_retire", args=["measure", world.measure_a.pk]))
    restore = reverse("actionplan:plan_item_restore", args=["measure", world.measure_a.pk])
    assert alice_client.post(restore).status_code == 403
    assert not Measure.objects.active().filter(pk=world.measure_a.pk).exists()
    assert sara_client.post(restore).status_code == 302
    assert Measure.objects.active().filter(pk=world.measure_a.pk).exists()


def test_retired_items_are_listed_for_restoring(world, alice_client, sara_client):
    alice_client.post(reverse("actionplan:plan_item_retire", args=["measure", world.measure_a.pk]))
    page = sara_client.get(reverse("actionplan:committee_plan_edit", args=["utval-a"]))
    html = page.content.decode()
    assert "Tiltak A" in html
    assert reverse("actionplan:plan_item_restore", args=["measure", world.measure_a.pk]) in html


def test_plan_edit_page_query_count_does_not_grow(
    world, alice_client, django_assert_max_num_queries
):
    url = reverse("actionplan:committee_plan_edit", args=["utval-a"])
    with django_assert_max_num_queries(16):
        alice_client.get(url)
    for i in range(30):
        goal = (
            world.goal_a
            if i % 2
            else Goal.objects.create(plan=world.plan, committee=world.committee_a, text=f"Mål {i}")
        )
        make_measure(goal, f"M {i}", priority_groups=make_priority_groups()[:2])
    with django_assert_max_num_queries(16):
        alice_client.get(url)


def test_two_editors_of_the_same_goal_second_is_refused(world, alice, sara):
    from actionplan.versioning import VersionConflict

    mine, theirs = Goal.objects.get(pk=world.goal_a.pk), Goal.objects.get(pk=world.goal_a.pk)
    theirs.text = "Saras mål"
    plan_item_update(item=theirs, by=sara, expected_version=1)
    mine.text = "Alices mål"
    with pytest.raises(VersionConflict) as caught:
        plan_item_update(item=mine, by=alice, expected_version=1)
    assert [(c.label, c.theirs, c.yours) for c in caught.value.changes] == [
        ("Main goal", "Saras mål", "Alices mål")
    ]
    assert caught.value.changed_by == sara
    world.goal_a.refresh_from_db()
    assert (world.goal_a.text, world.goal_a.version, world.goal_a.history.count()) == (
        "Saras mål",
        2,
        2,
    )


def test_priority_groups_change_is_one_history_row_with_the_new_set(world, alice):
    groups = make_priority_groups()
    plan_item_update(item=world.measure_a, by=alice, expected_version=1, priority_groups=groups[:2])
    assert world.measure_a.history.count() == 2
    from actionplan.timeline import measure_timeline

    change = next(e for e in measure_timeline(world.measure_a) if e.kind == "measure_changed")
    assert [(c.label, c.old) for c in change.changes] == [("Priority patient groups", "")]
    assert set(change.changes[0].new.split(", ")) == {g.name for g in groups[:2]}
