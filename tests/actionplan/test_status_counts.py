"""The named status-count queries that the overview, revision board and report share."""

from actionplan.models import Measure, StatusCounts
from tests.factories import (
    make_committee,
    make_goal,
    make_measure,
    make_plan,
    make_status,
    make_subgoal,
)


def _plan_with_two_committees():
    plan = make_plan()
    a, b = make_committee("A"), make_committee("B")
    goal_a, goal_b = make_goal(plan, a), make_goal(plan, b)
    done = make_measure(goal_a)
    make_status(done, 2024, "done")
    progress = make_measure(goal_a)
    make_status(progress, 2024, "in_progress")
    make_status(progress, 2023, "done")
    note_only = make_measure(goal_a)
    make_status(note_only, 2024, "", note="Årleg")
    make_measure(goal_a)  # nothing at all
    not_done = make_measure(goal_b)
    make_status(not_done, 2024, "not_done")
    return plan, a, b


def test_status_counts_by_committee_counts_every_status_and_not_reported(db):
    plan, a, b = _plan_with_two_committees()

    counts = Measure.objects.active().status_counts_by_committee(plan, 2024)

    assert counts[a.pk] == StatusCounts(done=1, in_progress=1, not_done=0, not_reported=2)
    assert counts[b.pk] == StatusCounts(done=0, in_progress=0, not_done=1, not_reported=0)
    assert counts[a.pk].total == 4


def test_status_counts_by_committee_is_one_query(db, django_assert_num_queries):
    plan, _a, _b = _plan_with_two_committees()
    with django_assert_num_queries(1):
        Measure.objects.active().status_counts_by_committee(plan, 2024)


def test_status_counts_leave_out_retired_measures_and_other_plans(db):
    plan, a, _b = _plan_with_two_committees()
    goal = a.goals.first()
    retired = make_measure(goal, retired=True)
    make_status(retired, 2024, "done")
    under_retired_subgoal = make_measure(goal, subgoal=make_subgoal(goal, retired=True))
    make_status(under_retired_subgoal, 2024, "done")
    other_plan = make_plan(title="Gamal plan", start_year=2019, end_year=2022)
    make_status(make_measure(make_goal(other_plan, a)), 2024, "done")

    counts = Measure.objects.active().status_counts_by_committee(plan, 2024)

    assert counts[a.pk].done == 1
    assert counts[a.pk].total == 4


def test_status_counts_by_year_counts_each_year_in_one_query(db, django_assert_num_queries):
    plan, a, _b = _plan_with_two_committees()
    measures = Measure.objects.active().in_plan(plan).filter(goal__committee=a)

    with django_assert_num_queries(1):
        by_year = measures.status_counts_by_year([2023, 2024, 2025])

    assert by_year[2023] == StatusCounts(done=1, not_reported=3)
    assert by_year[2024] == StatusCounts(done=1, in_progress=1, not_reported=2)
    assert by_year[2025] == StatusCounts(not_reported=4)


def test_status_counts_for_a_queryset(db):
    plan, _a, _b = _plan_with_two_committees()
    assert Measure.objects.active().in_plan(plan).status_counts(2024) == StatusCounts(
        done=1, in_progress=1, not_done=1, not_reported=2
    )


def test_status_counts_add_up_and_list_labels_in_display_order():
    total = StatusCounts(done=1, not_reported=2) + StatusCounts(done=2, not_done=1)
    assert total == StatusCounts(done=3, not_done=1, not_reported=2)
    assert [(code, count) for code, _label, count in total.items()] == [
        ("done", 3),
        ("in_progress", 0),
        ("not_done", 1),
        ("not_reported", 2),
    ]
    assert [label for _c, label, _n in total.items()][-1] == "Not reported"


def test_status_counts_of_loaded_measures_equal_the_query_without_one(
    db, django_assert_num_queries
):
    plan, a, _b = _plan_with_two_committees()
    measures = Measure.objects.active().in_plan(plan).filter(goal__committee=a)
    loaded = list(measures.prefetch_related("statuses"))
    years = [2023, 2024, 2025]

    with django_assert_num_queries(0):
        by_year = StatusCounts.by_year_of(loaded, years)

    assert by_year == measures.status_counts_by_year(years)
    assert by_year[2024] == StatusCounts(done=1, in_progress=1, not_reported=2)
