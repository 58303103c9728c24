"""Export → import is a no-op (issue 15): the real plan with a status in every year cell, written
as Word by the export and read by the import, changes nothing."""

import pytest
from django.core.management import call_command

from actionplan.docx_changes import plan_docx_changes
from actionplan.docx_export import plan_docx_bytes
from actionplan.docx_read import read_plan_docx
from actionplan.models import Committee, Measure, MeasureStatus, Plan, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_plan_with_statuses(db):
    """The real plan, each measure given a status for each year (the three in turn, some years
    left unreported), keeping the document's own notes and adding one to a status."""
    call_command("load_real_plan", verbosity=0)
    plan = Plan.objects.get()
    codes = [*Status.values, ""]
    measures = list(Measure.objects.active().in_plan(plan).order_by("pk"))
    notes = {(s.measure_id, s.year): s for s in MeasureStatus.objects.all()}
    for i, measure in enumerate(measures):
        for j, year in enumerate(plan.years):
            status = codes[(i + j) % len(codes)]
            existing = notes.get((measure.pk, year))
            if existing is not None:
                existing.status = status
                existing.save()
            elif status:
                note = "2024/25" if (i + j) % 7 == 0 else ""
                MeasureStatus.objects.create(measure=measure, year=year, status=status, note=note)
    return plan


def _changes(plan, committee=None):
    return plan_docx_changes(read_plan_docx(plan_docx_bytes(plan, committee)), plan)


def test_one_committee_exported_and_imported_changes_nothing_in_it(real_plan_with_statuses):
    plan = real_plan_with_statuses
    committee = Committee.objects.get(slug="rehabilitering")
    changes = _changes(plan, committee)
    assert changes.added == []
    assert changes.changed == []
    assert changes.statuses == []
    assert changes.doc.unknown_colours == []
    assert [c.doc.name for c in changes.committees] == [committee.name]


def test_exporting_and_importing_the_real_plan_changes_nothing(real_plan_with_statuses):
    plan = real_plan_with_statuses
    assert MeasureStatus.objects.exclude(status="").count() > 400
    changes = _changes(plan)
    assert [(line.kind, line.old, line.new) for line in changes.added] == []
    assert [(line.kind, line.field, line.old, line.new) for line in changes.changed] == []
    assert [(s.measure, vars(s.change)) for s in changes.statuses] == []
    assert changes.missing == {}
    assert changes.doc.unknown_colours == []
    assert changes.warnings == []
    assert changes.is_empty
    # The measures' responsible and priority groups came back from their lines too.
    measures = Measure.objects.active().in_plan(plan).prefetch_related("priority_groups")
    read = {m.text: m for m in changes.doc.measures()}
    for measure in measures:
        assert (read[measure.text].responsible or "") == measure.responsible
        groups = sorted(group.name for group in measure.priority_groups.all())
        assert sorted(read[measure.text].priority_groups or []) == groups
