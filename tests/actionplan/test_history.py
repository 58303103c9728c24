"""The measure's timeline in plain language, and restoring an earlier version."""

import datetime

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from actionplan.models import MeasureStatus
from actionplan.services import measure_status_set, plan_item_retire, plan_item_update
from actionplan.timeline import measure_timeline


def _render_history(measure, user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load actionplan_editing %}{% measure_history measure %}")
    return template.render(Context({"request": request, "measure": measure}))


def test_timeline_says_who_set_which_year_to_what_and_when(world, alice, sara):
    measure_status_set(
        measure=world.measure_a, year=2024, status="in_progress", by=sara, expected_version=0
    )
    measure_status_set(
        measure=world.measure_a,
        year=2024,
        status="done",
        note="Ferdig",
        by=alice,
        expected_version=1,
    )
    for status, day in [("in_progress", 1), ("done", 3)]:
        MeasureStatus.history.filter(status=status).update(
            history_date=timezone.make_aware(datetime.datetime(2026, 3, day, 12))
        )
    html = _render_history(world.measure_a, alice)
    assert "Alice Aasen set 2024 to Carried out, March 3, 2026" in html
    assert "(was Being planned / in progress)" in html
    assert "«Ferdig»" in html


def test_timeline_shows_old_and_new_values_of_measure_fields(world, alice):
    world.measure_a.responsible = "HMR"
    plan_item_update(item=world.measure_a, by=alice, expected_version=1)
    entry = next(e for e in measure_timeline(world.measure_a) if e.kind == "measure_changed")
    assert (entry.who, [(c.label, c.old, c.new) for c in entry.changes]) == (
        "Alice Aasen",
        [("Responsible", "", "HMR")],
    )


def test_timeline_tells_retire_and_restore(world, alice, sara):
    plan_item_retire(item=world.measure_a, retired=True, by=alice)
    plan_item_retire(item=world.measure_a, retired=False, by=sara)
    kinds = [e.kind for e in measure_timeline(world.measure_a)]
    assert kinds[:2] == ["unretired", "retired"]


def test_timeline_query_count_is_constant(world, alice, django_assert_max_num_queries):
    for i in range(10):
        world.measure_a.text = f"Versjon {i}"
        plan_item_update(item=world.measure_a, by=alice, expected_version=world.measure_a.version)
        measure_status_set(
            measure=world.measure_a,
            year=2022 + i % 4,
            status=["not_done", "in_progress", "done"][i // 4],
            by=alice,
            expected_version=MeasureStatus.objects.filter(
                measure=world.measure_a, year=2022 + i % 4
            )
            .values_list("version", flat=True)
            .first()
            or 0,
        )
    with django_assert_max_num_queries(6):
        entries = measure_timeline(world.measure_a)
    assert len(entries) == 21


def test_secretariat_restores_an_earlier_version_as_a_new_one(world, sara_client, alice):
    original = world.measure_a.history.get()
    world.measure_a.text = "Endra av Alice"
    plan_item_update(item=world.measure_a, by=alice, expected_version=1)
    url = reverse("actionplan:measure_restore_version", args=[world.measure_a.pk])
    response = sara_client.post(url, {"history_id": original.history_id, "version": 2})
    assert response.status_code == 302
    world.measure_a.refresh_from_db()
    assert (world.measure_a.text, world.measure_a.version) == ("Tiltak A", 3)
    assert world.measure_a.history.count() == 3
    assert measure_timeline(world.measure_a)[0].kind == "restored"


def test_editor_cannot_restore_a_version(world, alice_client, alice):
    original = world.measure_a.history.get()
    world.measure_a.text = "Endra"
    plan_item_update(item=world.measure_a, by=alice, expected_version=1)
    url = reverse("actionplan:measure_restore_version", args=[world.measure_a.pk])
    assert (
        alice_client.post(url, {"history_id": original.history_id, "version": 2}).status_code == 403
    )
    world.measure_a.refresh_from_db()
    assert world.measure_a.text == "Endra"


def test_restore_on_stale_version_or_foreign_record_is_refused(world, sara_client, alice):
    original = world.measure_a.history.get()
    world.measure_a.text = "Endra"
    plan_item_update(item=world.measure_a, by=alice, expected_version=1)
    url = reverse("actionplan:measure_restore_version", args=[world.measure_a.pk])
    assert (
        sara_client.post(url, {"history_id": original.history_id, "version": 1}).status_code == 409
    )
    foreign = world.measure_b.history.get().history_id
    assert sara_client.post(url, {"history_id": foreign, "version": 2}).status_code == 400
    world.measure_a.refresh_from_db()
    assert (world.measure_a.text, world.measure_a.version) == ("Endra", 2)


def test_history_offers_restore_only_to_secretariat(world, alice, sara):
    world.measure_a.text = "Endra"
    plan_item_update(item=world.measure_a, by=alice, expected_version=1)
    assert "Restore the version of" not in _render_history(world.measure_a, alice)
    assert "Restore the version of" in _render_history(world.measure_a, sara)
