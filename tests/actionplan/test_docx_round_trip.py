"""Export → import is a no-op (issue 15): the real plan with a status in every year cell, written
as Word by the export and read by the import, changes nothing."""

import pytest
from django.core.management import call_command

from actionplan.docx_changes import plan_docx_changes
from actionplan.docx_export import PRIORITY_LABEL, RESPONSIBLE_LABEL, plan_docx_bytes
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


def _without_export_lines(text: str) -> str:
    """The measure text without the export's "Ansvarleg:" and "Prioritert pasientgruppe:"
    lines (which the import does not read yet)."""
    labels = (f"{RESPONSIBLE_LABEL}:", f"{PRIORITY_LABEL}:")
    return "\n".join(line for line in text.split("\n") if not line.startswith(labels))


def test_export_then_import_keeps_structure_people_statuses_notes_and_measurement(
    real_plan_with_statuses,
):
    plan = real_plan_with_statuses
    changes = _changes(plan)
    assert changes.added == []
    assert changes.statuses == []  # every status and note read back as it was
    assert changes.missing == {}
    assert changes.doc.unknown_colours == []
    assert changes.warnings == []
    # What is left: the measures with a responsible or priority groups, whose export lines
    # the import takes as part of the text (see the xfail below).
    left = [(line.kind, line.field, line.old, _without_export_lines(line.new))
            for line in changes.changed]  # fmt: skip
    assert left == [("measure", "", line.old, line.old) for line in changes.changed]
    marked = Measure.objects.active().in_plan(plan).filter(priority_groups__isnull=False)
    assert len(changes.changed) == marked.distinct().count() + 1  # + one with a responsible


def test_one_committee_exported_and_imported_changes_nothing_in_it(real_plan_with_statuses):
    plan = real_plan_with_statuses
    committee = Committee.objects.get(slug="rehabilitering")
    changes = _changes(plan, committee)
    assert changes.added == []
    assert changes.changed == []
    assert changes.statuses == []
    assert changes.doc.unknown_colours == []
    assert [c.doc.name for c in changes.committees] == [committee.name]


@pytest.mark.xfail(
    strict=True,
    reason="the import does not yet read the export's 'Ansvarleg:' and 'Prioritert "
    "pasientgruppe:' lines of a measure cell (actionplan.docx_export RESPONSIBLE_LABEL, "
    "PRIORITY_LABEL); once it does, remove this mark",
)
def test_exporting_and_importing_the_real_plan_changes_nothing(real_plan_with_statuses):
    plan = real_plan_with_statuses
    assert MeasureStatus.objects.exclude(status="").count() > 400
    changes = _changes(plan)
    assert [(line.kind, line.old, line.new) for line in changes.added] == []
    assert [(line.kind, line.field, line.old, line.new) for line in changes.changed] == []
    assert [(s.measure, vars(s.change)) for s in changes.statuses] == []
    assert changes.missing == {}
    assert changes.doc.unknown_colours == []
    assert changes.is_empty
