"""Setting statuses (services.measure_status_set, measure_statuses_report): validation,
optimistic concurrency, locked years and history."""

import pytest
from django.core.exceptions import ValidationError

from actionplan.models import NOTE_MAX_LENGTH, MeasureStatus
from actionplan.services import (
    StatusesRefused,
    StatusRow,
    measure_status_set,
    measure_statuses_report,
    plan_item_retire,
)
from actionplan.versioning import VersionConflict, YearLocked
from tests.factories import make_measure, make_revision_year, make_status


def test_first_status_is_created_at_version_one(world, alice):
    status = measure_status_set(
        measure=world.measure_a,
        year=2024,
        status="done",
        note="Ferdig",
        by=alice,
        expected_version=0,
    )
    assert (status.status, status.note, status.version, status.updated_by) == (
        "done",
        "Ferdig",
        1,
        alice,
    )


def test_update_moves_to_next_version_and_records_who_old_and_new(world, alice, sara):
    first = measure_status_set(
        measure=world.measure_a, year=2024, status="in_progress", by=sara, expected_version=0
    )
    measure_status_set(
        measure=world.measure_a, year=2024, status="done", by=alice, expected_version=first.version
    )
    row = MeasureStatus.objects.get(measure=world.measure_a, year=2024)
    assert row.version == 2
    newest, oldest = list(row.history.order_by("-history_id"))
    assert (newest.status, newest.history_user, oldest.status, oldest.history_user) == (
        "done",
        alice,
        "in_progress",
        sara,
    )


def test_stale_save_is_refused_and_carries_what_the_other_person_saved(world, alice, sara):
    measure_status_set(
        measure=world.measure_a,
        year=2024,
        status="in_progress",
        note="Kari",
        by=sara,
        expected_version=0,
    )
    measure_status_set(
        measure=world.measure_a,
        year=2024,
        status="done",
        note="Kari 2",
        by=sara,
        expected_version=1,
    )
    with pytest.raises(VersionConflict) as caught:
        measure_status_set(
            measure=world.measure_a,
            year=2024,
            status="not_done",
            note="Mine",
            by=alice,
            expected_version=1,
        )
    conflict = caught.value
    assert conflict.current.version == 2
    assert conflict.changed_by == sara
    assert {c.label: (c.theirs, c.yours) for c in conflict.changes} == {
        "Status": ("Carried out", "Not carried out"),
        "Note": ("Kari 2", "Mine"),
    }
    row = MeasureStatus.objects.get(measure=world.measure_a, year=2024)
    assert (row.status, row.note, row.history.count()) == ("done", "Kari 2", 2)


def test_second_first_save_of_same_year_is_a_conflict(world, alice, sara):
    measure_status_set(
        measure=world.measure_a, year=2024, status="done", by=sara, expected_version=0
    )
    with pytest.raises(VersionConflict):
        measure_status_set(
            measure=world.measure_a, year=2024, status="not_done", by=alice, expected_version=0
        )
    assert MeasureStatus.objects.get(measure=world.measure_a, year=2024).status == "done"


def test_forged_future_version_is_refused(world, alice):
    make_status(world.measure_a, 2024, "done")
    with pytest.raises(VersionConflict):
        measure_status_set(
            measure=world.measure_a, year=2024, status="not_done", by=alice, expected_version=99
        )
    assert MeasureStatus.objects.get(measure=world.measure_a, year=2024).version == 1


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("year", {"year": 2030}),
        ("year", {"year": 2019}),
        ("status", {"status": "finished"}),
        ("status", {"status": ""}),
        ("note", {"note": "x" * (NOTE_MAX_LENGTH + 1)}),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(world, alice, field, kwargs):
    args = {"year": 2024, "status": "done", "note": "", **kwargs}
    with pytest.raises(ValidationError) as caught:
        measure_status_set(measure=world.measure_a, by=alice, expected_version=0, **args)
    assert field in caught.value.message_dict
    assert not MeasureStatus.objects.exists()


def test_retired_measure_takes_no_status(world, alice):
    plan_item_retire(item=world.measure_a, retired=True, by=alice)
    with pytest.raises(ValidationError):
        measure_status_set(
            measure=world.measure_a, year=2024, status="done", by=alice, expected_version=0
        )


def test_locked_year_refuses_editor(world, alice, sara):
    make_revision_year(world.plan, 2024, locked=True, by=sara)
    with pytest.raises(YearLocked):
        measure_status_set(
            measure=world.measure_a, year=2024, status="done", by=alice, expected_version=0
        )
    assert not MeasureStatus.objects.exists()


def test_secretariat_correction_of_locked_year_needs_a_reason(world, sara):
    make_revision_year(world.plan, 2024, locked=True, by=sara)
    with pytest.raises(ValidationError) as caught:
        measure_status_set(
            measure=world.measure_a, year=2024, status="done", by=sara, expected_version=0
        )
    assert "reason" in caught.value.message_dict
    measure_status_set(
        measure=world.measure_a,
        year=2024,
        status="done",
        by=sara,
        expected_version=0,
        reason="Feil i vedtaket",
    )
    record = MeasureStatus.history.get()
    assert (record.history_change_reason, record.history_user) == ("Feil i vedtaket", sara)


def test_open_revision_year_does_not_lock(world, alice, sara):
    make_revision_year(world.plan, 2024, by=sara)
    assert measure_status_set(
        measure=world.measure_a, year=2024, status="done", by=alice, expected_version=0
    )


def test_forged_version_for_a_status_nobody_set_is_a_conflict(world, alice):
    with pytest.raises(VersionConflict) as caught:
        measure_status_set(
            measure=world.measure_a, year=2024, status="done", by=alice, expected_version=3
        )
    assert caught.value.current is None
    assert caught.value.current_version == 0
    assert not MeasureStatus.objects.exists()


def _row(measure, status, version=0, note=""):
    return StatusRow(measure=measure, status=status, note=note, version=version)


def test_reporting_a_year_saves_every_changed_row(world, alice):
    second = make_measure(world.goal_a, "Andre tiltak", subgoal=world.subgoal_a, order=20)
    rows = [_row(world.measure_a, "done"), _row(second, "in_progress")]
    assert measure_statuses_report(rows=rows, year=2024, by=alice) == 2
    assert (
        measure_statuses_report(rows=[_row(world.measure_a, "done", 1)], year=2024, by=alice) == 0
    )
    assert MeasureStatus.objects.filter(year=2024).count() == 2


def test_reporting_a_year_refuses_a_removed_status_and_saves_nothing(world, alice):
    second = make_measure(world.goal_a, "Andre tiltak", subgoal=world.subgoal_a, order=20)
    make_status(world.measure_a, 2024, "done")
    rows = [_row(world.measure_a, "", version=1), _row(second, "done")]
    with pytest.raises(StatusesRefused) as refused:
        measure_statuses_report(rows=rows, year=2024, by=alice)
    assert list(refused.value.refusals) == [0]
    assert "status" in refused.value.refusals[0].message_dict
    assert not MeasureStatus.objects.filter(measure=second).exists()
    assert MeasureStatus.objects.get(measure=world.measure_a).status == "done"


def test_a_single_status_cannot_be_removed_either(world, alice):
    make_status(world.measure_a, 2024, "done")
    with pytest.raises(ValidationError) as caught:
        measure_status_set(
            measure=world.measure_a, year=2024, status="", by=alice, expected_version=1
        )
    assert "cannot be removed" in caught.value.message_dict["status"][0]


def test_reporting_a_locked_year_is_refused_without_the_right(world, alice, sara):
    make_revision_year(world.plan, 2024, locked=True, by=sara)
    with pytest.raises(StatusesRefused) as refused:
        measure_statuses_report(rows=[_row(world.measure_a, "done")], year=2024, by=alice)
    assert isinstance(refused.value.refusals[0], YearLocked)
    assert not MeasureStatus.objects.exists()
    saved = measure_statuses_report(
        rows=[_row(world.measure_a, "done")], year=2024, by=sara, reason="Retting frå SSU"
    )
    assert saved == 1
