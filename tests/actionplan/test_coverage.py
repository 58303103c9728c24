"""Priority-group coverage: counts per group and committee, warnings and where the gaps are."""

import pytest
from django.template import engines
from django.utils import translation

from actionplan.coverage import NO_MEASURE, NONE_CARRIED_OUT, coverage
from actionplan.models import StatusCounts
from actionplan.report import build_report, report_html_parts
from tests.factories import (
    make_committee,
    make_goal,
    make_measure,
    make_plan,
    make_plan_with_measures,
    make_priority_groups,
    make_status,
)

YEAR = 2026


@pytest.fixture
def plan_with_groups(db):
    """Children: A done + A in progress + B not done. Mental health and substance problems:
    A not done + B not reported (a gap). Frail elderly: A in progress (shared with children).
    Several chronic illnesses: only a retired measure (no active measure)."""
    plan = make_plan()
    children, mental, elderly, chronic = make_priority_groups()
    a = make_committee("Utval A", short_name="A")
    b = make_committee("Utval B", short_name="B")
    goal_a, goal_b = make_goal(plan, a), make_goal(plan, b)
    m = {
        "a_done": make_measure(goal_a, "A ferdig", priority_groups=[children]),
        "a_progress": make_measure(goal_a, "A i arbeid", priority_groups=[children, elderly]),
        "a_not_done": make_measure(goal_a, "A ikkje gjort", priority_groups=[mental]),
        "b_unreported": make_measure(goal_b, "B utan status", priority_groups=[mental]),
        "b_not_done": make_measure(goal_b, "B ikkje gjort", priority_groups=[children]),
        "retired": make_measure(goal_b, "Utgått", priority_groups=[chronic], retired=True),
    }
    make_status(m["a_done"], YEAR, "done")
    make_status(m["a_progress"], YEAR, "in_progress")
    make_status(m["a_not_done"], YEAR, "not_done")
    make_status(m["b_not_done"], YEAR, "not_done")
    make_status(m["b_unreported"], YEAR - 1, "done")  # another year's status does not count
    make_status(m["retired"], YEAR, "done")
    return {"plan": plan, "a": a, "b": b, "groups": (children, mental, elderly, chronic), **m}


def test_counts_per_group_in_total(plan_with_groups):
    result = coverage(plan=plan_with_groups["plan"], year=YEAR)
    totals = {g.group.slug: g.total for g in result.groups}
    assert totals == {
        "barn-og-unge": StatusCounts(done=1, in_progress=1, not_done=1),
        "psykisk-rus": StatusCounts(not_done=1, not_reported=1),
        "skropelege-eldre": StatusCounts(in_progress=1),
        "kroniske-lidingar": StatusCounts(),
    }


def test_counts_per_committee(plan_with_groups):
    result = coverage(plan=plan_with_groups["plan"], year=YEAR)
    rows = {row.committee.short_name: [c.total for c in row.cells] for row in result.committees}
    assert rows == {"A": [2, 1, 1, 0], "B": [1, 1, 0, 0]}
    children = result.groups[0]
    assert children.by_committee[plan_with_groups["a"].pk] == StatusCounts(done=1, in_progress=1)
    assert children.by_committee[plan_with_groups["b"].pk] == StatusCounts(not_done=1)


def test_warns_about_a_group_without_active_measures_and_one_with_none_carried_out(
    plan_with_groups,
):
    result = coverage(plan=plan_with_groups["plan"], year=YEAR)
    warnings = {g.group.slug: g.warning for g in result.warnings}
    assert warnings == {"psykisk-rus": NONE_CARRIED_OUT, "kroniske-lidingar": NO_MEASURE}
    gap = next(g for g in result.warnings if g.warning == NONE_CARRIED_OUT)
    assert [m.text for m in gap.gap_measures] == ["A ikkje gjort", "B utan status"]


def test_no_warning_once_a_gap_measure_is_in_progress(plan_with_groups):
    make_status(plan_with_groups["b_unreported"], YEAR, "in_progress")
    result = coverage(plan=plan_with_groups["plan"], year=YEAR)
    assert [g.group.slug for g in result.warnings] == ["kroniske-lidingar"]


def test_coverage_of_one_committee(plan_with_groups):
    result = coverage(plan=plan_with_groups["plan"], year=YEAR, committee=plan_with_groups["b"])
    assert [row.committee.short_name for row in result.committees] == ["B"]
    assert result.groups[0].total == StatusCounts(not_done=1)


@pytest.mark.parametrize("size", [8, 400])
def test_coverage_runs_a_fixed_number_of_queries(db, django_assert_max_num_queries, size):
    plan, _measures = make_plan_with_measures(size, years=(2023,))
    with django_assert_max_num_queries(5):
        result = coverage(plan=plan, year=2023)
    assert sum(g.total.total for g in result.groups) == size


def test_partial_shows_counts_and_warnings_in_words(plan_with_groups):
    template = engines["django"].from_string(
        "{% load actionplan_cycle %}{% priority_group_coverage plan year %}"
    )
    with translation.override("en"):
        html = template.render({"plan": plan_with_groups["plan"], "year": YEAR})
    assert "Gaps in the priority patient groups" in html
    # Not "uncovered": the measures aimed at the group may only lack the tag; a link to tagging.
    assert "No measures tagged for <strong>" in html
    assert 'href="/plan/table/">Tag the measures aimed at this group' in html
    assert "none of its 2 measures is carried out or in progress in 2026." in html
    assert f'href="/plan/measures/{plan_with_groups["b_unreported"].pk}/"' in html
    # Status in words next to each gap measure, never colour alone.
    assert "Not reported" in html
    assert "Not carried out" in html
    assert "<caption>" in html
    assert 'scope="row"' in html


def test_annual_report_warns_about_the_gaps(plan_with_groups):
    report = build_report(plan=plan_with_groups["plan"], year=YEAR, chapters=list)
    html = "".join(report_html_parts(report))
    assert "Dekning av dei prioriterte pasientgruppene" in html
    assert "Åtvaring: hol i dekninga av dei prioriterte pasientgruppene" in html
    assert "ingen aktive tiltak i planen er retta mot denne gruppa." in html
    assert "ingen av dei 2 tiltaka er gjennomførte eller under arbeid i 2026." in html
    assert "B utan status" in html
    assert 'href="#coverage"' in html  # listed in the contents


def test_annual_report_says_so_when_every_group_is_served(db):
    plan = make_plan()
    goal = make_goal(plan, make_committee())
    for group in make_priority_groups():
        make_status(make_measure(goal, priority_groups=[group]), YEAR, "done")
    html = "".join(report_html_parts(build_report(plan=plan, year=YEAR, chapters=list)))
    assert "Kvar prioritert pasientgruppe har minst eitt tiltak" in html
    assert "Åtvaring" not in html


def test_committee_report_has_no_coverage_section(plan_with_groups):
    report = build_report(
        plan=plan_with_groups["plan"], year=YEAR, committee=plan_with_groups["a"], chapters=list
    )
    assert report.coverage is None
    assert 'id="coverage"' not in "".join(report_html_parts(report))


def test_annual_report_pdf_carries_the_warning(plan_with_groups):
    import io

    from pypdf import PdfReader

    from actionplan.report import render_report_pdf

    rendered = render_report_pdf(plan=plan_with_groups["plan"], year=YEAR)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.content)).pages)
    assert "Åtvaring: hol i dekninga" in " ".join(text.split())
