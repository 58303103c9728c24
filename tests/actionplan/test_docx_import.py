"""Importing the plan's Word document into the portal: statuses, no-op re-imports, revisions,
retiring what is missing, history, the command, and bad input changing nothing."""

import copy
import time

import pytest
from django.core.management import CommandError, call_command

from actionplan.docx_changes import plan_docx_changes
from actionplan.docx_read import DocxImportError, read_plan_docx
from actionplan.models import Committee, Goal, Measure, MeasureStatus, Plan, SubGoal
from actionplan.services import measure_status_set, plan_docx_apply, plan_docx_start_new
from tests.actionplan.docx_builder import C, G, M, build_docx, plan_to_doc

STATUS_CYCLE = ["done", "in_progress", "not_done", None]


@pytest.fixture
def real_plan(db):
    call_command("load_real_plan", verbosity=0)
    return Plan.objects.get()


def _coloured(plan):
    """The real plan as a document, every measure coloured in a fixed pattern per year; the
    real notes kept."""
    committees = plan_to_doc(plan)
    n = 0
    for c in committees:
        for g in c.goals:
            for m in [*g.measures, *(x for s in g.subgoals for x in s.measures)]:
                for offset, year in enumerate((2022, 2023, 2024)):
                    note = m.years.get(year, (None, ""))[1]
                    m.years[year] = (STATUS_CYCLE[(n + offset) % 4], note)
                n += 1
    return committees


def _snapshot():
    return {
        "goals": list(Goal.objects.order_by("pk").values_list("pk", "text", "retired", "version")),
        "subgoals": list(SubGoal.objects.order_by("pk").values_list("pk", "text", "retired")),
        "measures": list(
            Measure.objects.order_by("pk").values_list("pk", "text", "measurement", "retired")
        ),
        "statuses": list(
            MeasureStatus.objects.order_by("pk").values_list("measure", "year", "status", "note")
        ),
        "committees": list(Committee.objects.order_by("pk").values_list("pk", "name", "leader")),
        "history": MeasureStatus.history.count() + Measure.history.count(),
    }


def _import(data, plan, user, name="handlingsplan.docx", **kwargs):
    changes = plan_docx_changes(read_plan_docx(data), plan)
    return changes, plan_docx_apply(changes, by=user, file_name=name, **kwargs)


def test_the_real_plan_without_colours_imports_as_no_change(real_plan, secretariat):
    changes = plan_docx_changes(read_plan_docx(build_docx(plan_to_doc(real_plan))), real_plan)
    assert changes.added == []
    assert changes.changed == []
    assert changes.missing == {}
    assert changes.statuses == []
    assert changes.is_empty


def test_statuses_per_year_come_out_as_coloured(real_plan, secretariat):
    committees = _coloured(real_plan)
    _import(build_docx(committees), real_plan, secretariat)
    expected = {}
    measures = list(Measure.objects.for_plan_table(real_plan))
    for n, measure in enumerate(measures):
        for offset, year in enumerate((2022, 2023, 2024)):
            status = STATUS_CYCLE[(n + offset) % 4]
            if status:
                expected[(measure.pk, year)] = status
    saved = {(s.measure_id, s.year): s.status for s in MeasureStatus.objects.exclude(status="")}
    assert saved == expected
    # The notes in the year cells survive: "2024/25" for its measure, beside its colour.
    note = MeasureStatus.objects.get(note="2024/25")
    assert note.year == 2024


def test_history_names_the_user_and_the_file(real_plan, secretariat):
    _import(build_docx(_coloured(real_plan)), real_plan, secretariat, name="plan-2024.docx")
    record = MeasureStatus.history.exclude(status="").latest("history_date")
    assert record.history_user == secretariat
    assert record.history_change_reason == "from plan-2024.docx"


def test_a_second_import_is_a_no_op(real_plan, secretariat):
    data = build_docx(_coloured(real_plan))
    _import(data, real_plan, secretariat)
    before = _snapshot()
    changes, counts = _import(data, real_plan, secretariat)
    assert changes.is_empty
    assert counts == {"added": 0, "changed": 0, "retired": 0, "statuses": 0}
    assert _snapshot() == before


def test_merged_or_repeated_cells_and_word_lists_read_the_same(real_plan, secretariat):
    committees = _coloured(real_plan)
    _import(build_docx(committees), real_plan, secretariat)
    for options in ({"merge": False}, {"bullets": "list", "key": "nb"}):
        assert plan_docx_changes(
            read_plan_docx(build_docx(committees, **options)), real_plan
        ).is_empty


def test_a_revised_document_changes_only_the_revised_rows(real_plan, secretariat):
    committees = _coloured(real_plan)
    _import(build_docx(committees), real_plan, secretariat)
    before = _snapshot()
    revised = copy.deepcopy(committees)
    barn = revised[0]
    first = barn.goals[0].measures[0]
    first.text = first.text.replace(
        "Tydelig forventnings-avklaring", "Tydelig avklaring av forventningar"
    )
    first.years[2024] = ("done", "")
    barn.goals[1].subgoals[0].measures.append(
        M("Eit nytt tiltak frå revisjonen", years={2024: ("in_progress", "")})
    )
    dropped = revised[1].goals[0].subgoals[0].measures.pop(0)

    changes, _ = _import(build_docx(revised), real_plan, secretariat)

    assert [(x.kind, x.new) for x in changes.added] == [
        ("measure", "Eit nytt tiltak frå revisjonen")
    ]
    assert [(x.kind, x.new[:40]) for x in changes.changed] == [("measure", first.text[:40])]
    assert [x.old for x in changes.missing_lines] == [dropped.text]
    assert sorted((s.change.year, s.change.new_status) for s in changes.statuses) == [
        (2024, "done"),
        (2024, "in_progress"),
    ]
    after = _snapshot()
    changed_measure = Measure.objects.get(text=first.text)
    assert changed_measure.pk in {pk for pk, *_ in before["measures"]}  # edited, not added
    assert len(after["measures"]) == len(before["measures"]) + 1
    assert after["goals"] == before["goals"]
    assert after["subgoals"] == before["subgoals"]
    # Missing from the document is only offered: nothing is retired unless chosen.
    assert not Measure.objects.get(text=dropped.text).retired


def test_missing_items_are_retired_only_when_chosen_and_never_deleted(real_plan, secretariat):
    revised = plan_to_doc(real_plan)
    dropped_goal = revised[2].goals.pop()
    changes = plan_docx_changes(read_plan_docx(build_docx(revised)), real_plan)
    (key,) = [line.key for line in changes.missing_lines]
    assert key.startswith("goal:")
    count = Goal.objects.count()
    plan_docx_apply(changes, by=secretariat, file_name="x.docx", retire_keys=[key])
    goal = Goal.objects.get(text=dropped_goal.text)
    assert goal.retired
    assert Goal.objects.count() == count


def test_an_unknown_committee_is_offered_as_new(real_plan, secretariat):
    committees = plan_to_doc(real_plan)
    committees.append(
        C(
            "Fagleg samarbeidsutval for digital heimeoppfølging",
            "Kari Nordmann",
            "Ola Nordmann",
            goals=[G("Meir heimeoppfølging", measures=[M("Pilot i to kommunar")])],
        )
    )
    changes = plan_docx_changes(read_plan_docx(build_docx(committees)), real_plan)
    assert [(x.kind, x.new) for x in changes.added] == [
        ("committee", "Fagleg samarbeidsutval for digital heimeoppfølging"),
        ("goal", "Meir heimeoppfølging"),
        ("measure", "Pilot i to kommunar"),
    ]
    plan_docx_apply(changes, by=secretariat, file_name="x.docx")
    committee = Committee.objects.get(name__endswith="digital heimeoppfølging")
    assert committee.short_name == "Digital heimeoppfølging"
    assert (committee.leader.name, committee.deputy.name) == ("Kari Nordmann", "Ola Nordmann")
    assert committee.goals.get().measures.get().text == "Pilot i to kommunar"
    # ... and importing it again adds nothing more.
    assert plan_docx_changes(read_plan_docx(build_docx(committees)), real_plan).is_empty


def test_a_year_outside_the_plan_is_refused_and_nothing_changes(real_plan):
    before = _snapshot()
    doc = read_plan_docx(build_docx(plan_to_doc(real_plan), years=(2022, 2023, 2024, 2030)))
    with pytest.raises(DocxImportError) as refused:
        plan_docx_changes(doc, real_plan)
    assert refused.value.code == "years_outside"
    assert "2030" in refused.value.message
    assert _snapshot() == before


def test_a_conflicting_write_rolls_back_the_whole_import(real_plan, secretariat):
    changes = plan_docx_changes(read_plan_docx(build_docx(_coloured(real_plan))), real_plan)
    # Someone sets a status after the preview was made: the import's version is stale.
    last = changes.committees[-1].goals[-1]
    measure = next(m for m in last.all_measures() if m.statuses)
    change = measure.statuses[0]
    version = change.current.version if change.current else 0
    measure_status_set(
        measure=measure.db,
        year=change.year,
        status="done",
        by=secretariat,
        expected_version=version,
    )
    before = _snapshot()
    from actionplan.versioning import VersionConflict

    with pytest.raises(VersionConflict):
        plan_docx_apply(changes, by=secretariat, file_name="x.docx")
    assert _snapshot() == before


def test_command_dry_run_prints_the_changes_and_saves_nothing(real_plan, tmp_path, capsys):
    path = tmp_path / "plan.docx"
    path.write_bytes(build_docx(_coloured(real_plan)))
    before = _snapshot()
    call_command("import_plan_docx", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "statuses to set" in out
    assert "Dry run: nothing was saved." in out
    assert _snapshot() == before


def test_command_applies_as_the_user(real_plan, secretariat, tmp_path, capsys):
    path = tmp_path / "plan.docx"
    path.write_bytes(build_docx(_coloured(real_plan)))
    call_command(
        "import_plan_docx", str(path), "--user", secretariat.username, "--plan", "2023-2026"
    )
    assert "Saved:" in capsys.readouterr().out
    assert MeasureStatus.objects.exclude(status="").count() > 300
    call_command("import_plan_docx", str(path), "--user", secretariat.username)
    assert "Nothing to change." in capsys.readouterr().out


def test_command_refuses_a_bad_file_with_its_message(real_plan, tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(CommandError, match=r"\.doc"):
        call_command("import_plan_docx", str(path), "--dry-run")


def test_new_plan_from_a_document_carries_over_what_it_keeps(real_plan, secretariat, tmp_path):
    committees = plan_to_doc(real_plan)
    kept = committees[:2]
    kept[0].goals[0].measures.append(M("Nytt tiltak for 2027", years={2027: ("in_progress", "")}))
    path = tmp_path / "ny-plan.docx"
    path.write_bytes(build_docx(kept, years=(2027, 2028, 2029, 2030)))
    call_command(
        "import_plan_docx", str(path), "--new-plan", "--title", "Felles handlingsplan 2027-2030",
        "--period", "2027-2030", "--user", secretariat.username,
    )  # fmt: skip
    new = Plan.objects.get(start_year=2027)
    real_plan.refresh_from_db()
    assert real_plan.ended
    measures = Measure.objects.in_plan(new)
    old_count = sum(1 for c in plan_to_doc(real_plan)[:2] for _ in _all_measures(c))
    assert measures.count() == old_count + 1
    assert measures.filter(predecessor__isnull=False).count() == old_count
    added = measures.get(text="Nytt tiltak for 2027")
    assert added.statuses.get(year=2027).status == "in_progress"


def _all_measures(c):
    for g in c.goals:
        yield from g.measures
        for s in g.subgoals:
            yield from s.measures


def test_new_plan_refuses_years_outside_its_period(real_plan, secretariat):
    doc = read_plan_docx(build_docx(plan_to_doc(real_plan)))
    with pytest.raises(DocxImportError):
        plan_docx_start_new(
            doc, plan=real_plan, title="Ny", start_year=2027, end_year=2030, by=secretariat,
            file_name="x.docx",
        )  # fmt: skip
    assert Plan.objects.count() == 1


def test_the_real_plans_size_imports_in_reasonable_time(real_plan, secretariat, capsys):
    """Not a timed test: prints the time (see the report / docs)."""
    data = build_docx(_coloured(real_plan))
    started = time.perf_counter()
    doc = read_plan_docx(data)
    read = time.perf_counter()
    changes = plan_docx_changes(doc, real_plan)
    matched = time.perf_counter()
    plan_docx_apply(changes, by=secretariat, file_name="x.docx")
    applied = time.perf_counter()
    with capsys.disabled():
        print(
            f"\nreal plan import: read {read - started:.2f}s, match {matched - read:.2f}s, "
            f"apply {applied - matched:.2f}s ({len(changes.statuses)} statuses)"
        )


def test_a_measure_moved_to_another_subgoal_is_the_same_measure(real_plan, secretariat):
    committees = plan_to_doc(real_plan)
    goal = committees[0].goals[3]  # Barn og unge, goal 4: five sub-goals, one measure each
    moving = goal.subgoals[1].measures.pop()
    goal.subgoals[2].measures.append(moving)
    measure = Measure.objects.get(text=moving.text)
    changes, _ = _import(build_docx(committees), real_plan, secretariat)
    assert changes.added == []
    assert changes.missing == {}
    assert [line.field for line in changes.changed] == ["Moved"]
    measure.refresh_from_db()
    assert measure.subgoal.text == goal.subgoals[2].text
    assert Measure.objects.filter(text=moving.text).count() == 1


def test_statuses_in_a_locked_year_are_corrections_with_a_warning(real_plan, secretariat):
    from tests.factories import make_revision_year

    make_revision_year(real_plan, 2022, locked=True, by=secretariat)
    changes, counts = _import(build_docx(_coloured(real_plan)), real_plan, secretariat)
    assert any("2022 is locked" in warning for warning in changes.warnings)
    assert MeasureStatus.objects.filter(year=2022).exclude(status="").exists()
    assert counts["statuses"] == len(changes.statuses)


def test_responsible_and_priority_groups_named_in_the_cell_are_imported(real_plan, secretariat):
    from actionplan.models import PriorityGroup

    committees = plan_to_doc(real_plan)
    target = committees[2].goals[0].measures[0]  # Psykisk helsevern og rus: no groups yet
    group = PriorityGroup.objects.get(slug="psykisk-rus")
    target.priority_groups = [group.name]
    target.responsible = "LMS"
    changes, _ = _import(build_docx(committees), real_plan, secretariat)
    assert sorted(line.field for line in changes.changed) == [
        "Priority patient groups",
        "Responsible",
    ]
    measure = Measure.objects.get(text=target.text)
    assert list(measure.priority_groups.all()) == [group]
    assert measure.responsible == "LMS"
    # The text itself is untouched, and a second import changes nothing.
    assert "Prioritert" not in measure.text
    assert plan_docx_changes(read_plan_docx(build_docx(committees)), real_plan).is_empty


def test_export_then_import_is_a_no_op_for_the_real_plan_with_statuses(real_plan, secretariat):
    """Runs once the export (branch docxexport, actionplan/docx_export.py) is merged."""
    docx_export = pytest.importorskip("actionplan.docx_export")
    _import(build_docx(_coloured(real_plan)), real_plan, secretariat)
    exported = docx_export.plan_docx_bytes(real_plan)
    changes = plan_docx_changes(read_plan_docx(exported), real_plan)
    assert changes.is_empty, changes.summary()
    assert changes.missing == {}
    assert changes.doc.unknown_colours == []
