"""The annual revision report for SSU: what it holds, and its rendering to PDF.

`build_report()` gathers everything in a fixed number of queries; the templates under
`templates/actionplan/report/` lay it out, one partial per committee so a committee's part can be
rendered (and one day cached or laid out in parallel) on its own.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext

from helsefellesskap.pdf import html_to_pdf_with_pages, page_counter_css
from helsefellesskap.render_jobs import RenderedFile

from .charts import status_bar_svg
from .coverage import coverage as priority_group_coverage
from .models import (
    Committee,
    Measure,
    MeasureStatus,
    PriorityGroup,
    RevisionYear,
    StatusCounts,
    status_label,
)

REPORT_LANGUAGE = "nn"


@dataclass
class CountsRow:
    """One row of a summary table: what is counted, and its status counts for the year."""

    label: str
    counts: StatusCounts

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        return self.counts.items()

    @property
    def total(self) -> int:
        return self.counts.total

    @property
    def chart(self) -> str:
        return status_bar_svg(self.counts, title=self.label)


@dataclass
class SubGoalBlock:
    subgoal: object  # SubGoal, or None for measures directly under the main goal
    measures: list = field(default_factory=list)


@dataclass
class GoalBlock:
    goal: object
    subgoals: list = field(default_factory=list)


@dataclass
class CommitteeSection:
    committee: Committee
    goals: list = field(default_factory=list)
    summary: CountsRow | None = None


@dataclass
class Report:
    plan: object
    year: int
    committee: Committee | None
    sections: list
    by_priority_group: list
    changes: dict
    guidelines: list
    generated_on: date
    # Priority-group coverage and its warnings (actionplan.coverage); whole-plan reports only.
    coverage: object = None

    @property
    def summaries(self) -> list[CountsRow]:
        return [section.summary for section in self.sections]


def guidelines_in_force() -> list:
    """The shared guidelines in force, with their last-updated dates, for the report."""
    from guidelines.models import Guideline

    return list(Guideline.objects.in_force().select_related("committee").order_by("title", "pk"))


def build_report(*, plan, year, committee=None, guidelines=guidelines_in_force) -> Report:
    """Everything the report shows for one plan, year and scope (whole plan or one committee)."""
    scope = Measure.objects.in_plan(plan).active()
    if committee:
        scope = scope.filter(goal__committee=committee)
    measures = list(scope.with_chain().in_plan_order())
    committees = Committee.objects.select_related("leader", "deputy", "secretary")
    committees = (
        committees.filter(pk=committee.pk)
        if committee
        else committees.filter(goals__plan=plan).distinct()
    )
    by_committee = scope.status_counts_by("goal__committee", year)
    by_group = scope.status_counts_by("priority_groups", year)
    sections = {
        c.pk: CommitteeSection(c, summary=CountsRow(c.name, by_committee.get(c.pk, StatusCounts())))
        for c in committees
    }
    for measure in measures:
        section = sections[measure.goal.committee_id]
        if not section.goals or section.goals[-1].goal.pk != measure.goal_id:
            section.goals.append(GoalBlock(measure.goal))
        goal_block = section.goals[-1]
        if not goal_block.subgoals or goal_block.subgoals[-1].subgoal != measure.subgoal:
            goal_block.subgoals.append(SubGoalBlock(measure.subgoal))
        goal_block.subgoals[-1].measures.append(measure)
        measure.report_cells = [measure.status_for(y) for y in plan.years]

    return Report(
        plan=plan,
        year=year,
        committee=committee,
        sections=[s for s in sections.values() if s.goals],
        by_priority_group=[
            CountsRow(group.name, by_group.get(group.pk, StatusCounts()))
            for group in PriorityGroup.objects.all()
        ],
        changes=changes_since_last_revision(plan=plan, year=year, committee=committee),
        guidelines=guidelines(),
        generated_on=timezone.localdate(),
        coverage=None if committee else priority_group_coverage(plan=plan, year=year),
    )


def revision_window(plan, year) -> tuple[datetime, datetime]:
    """From the previous revision's lock (or 1 January of the year) until this one's (or now)."""
    tz = timezone.get_current_timezone()
    locks = dict(
        RevisionYear.objects.filter(plan=plan, year__in=[year - 1, year]).values_list(
            "year", "locked_at"
        )
    )
    since = locks.get(year - 1) or datetime.combine(date(year, 1, 1), time.min, tzinfo=tz)
    until = locks.get(year) or timezone.now()
    return since, until


def changes_since_last_revision(*, plan, year, committee=None) -> dict:
    """Statuses changed, measures added and measures retired since the last revision."""
    since, until = revision_window(plan, year)
    measure_scope = {"goal__plan": plan}
    if committee:
        measure_scope["goal__committee"] = committee
    history = Measure.history.filter(**measure_scope)
    status_history = MeasureStatus.history.filter(
        **{f"measure__{k}": v for k, v in measure_scope.items()}
    )
    has_history = history.exists() or status_history.exists()

    added = list(
        history.filter(history_type="+", history_date__range=(since, until))
        .select_related("goal__committee")
        .order_by("history_date")
    )
    # A measure was retired in the window if its latest record there is retired and the
    # record before the window (if any) was not.
    retired_records = list(
        history.filter(retired=True, history_date__range=(since, until))
        .select_related("goal__committee")
        .order_by("id", "history_date")
    )
    retired_before = set(
        history.filter(retired=True, history_date__lt=since).values_list("id", flat=True)
    )
    retired, seen = [], set()
    for record in retired_records:
        if record.id not in retired_before and record.id not in seen:
            seen.add(record.id)
            retired.append(record)

    changed_records = list(
        status_history.filter(history_date__range=(since, until)).order_by("id", "history_date")
    )
    # The record before each change: the latest earlier record of the same status row.
    earlier = defaultdict(list)
    for record in status_history.filter(
        id__in={r.id for r in changed_records}, history_date__lte=until
    ).order_by("history_date", "history_id"):
        earlier[record.id].append(record)
    measures = Measure.objects.select_related("goal__committee").in_bulk(
        {r.measure_id for r in changed_records}
    )
    status_changes = []
    for record in changed_records:
        chain = earlier[record.id]
        position = next(i for i, r in enumerate(chain) if r.history_id == record.history_id)
        before = chain[position - 1].status if position else ""
        if record.status != before and record.measure_id in measures:
            status_changes.append(
                {
                    "measure": measures[record.measure_id],
                    "year": record.year,
                    "before": status_label(before),
                    "after": status_label(record.status),
                    "when": record.history_date,
                }
            )
    return {
        "has_history": has_history,
        "since": since,
        "until": until,
        "status_changes": status_changes,
        "added": added,
        "retired": retired,
    }


def render_report_html(report: Report) -> str:
    """The report as one HTML document (in the report's language)."""
    with translation.override(REPORT_LANGUAGE):
        return render_to_string(
            "actionplan/report/document.html",
            {
                "report": report,
                "years": report.plan.years,
                "page_counter": page_counter_css(
                    pgettext("annual report", "page %(page)s of %(pages)s")
                ),
                "language": REPORT_LANGUAGE,
            },
        )


def render_report_pdf(*, plan, year, committee=None) -> RenderedFile:
    """Build, lay out and write the report; returns the PDF bytes and its page count."""
    with translation.override(REPORT_LANGUAGE):
        report = build_report(plan=plan, year=year, committee=committee)
        content, pages = html_to_pdf_with_pages(render_report_html(report))
    return RenderedFile(content=content, pages=pages)
