"""The annual revision report for SSU: what it holds, and its rendering to PDF.

`build_report()` gathers everything in a fixed number of queries; the templates under
`templates/actionplan/report/` lay it out as separate HTML documents: the cover and contents, the
summary, one per committee (with its changes) and the closing sections, among them the
chapters other apps contribute (`contributions`). The parts are laid out in
parallel and reused while their HTML is unchanged (`helsefellesskap.pdf_parts`), then joined into
one tagged PDF with one outline (`pdf_merge`) and numbered (`pdf_page_numbers`). The contents
learn their page numbers from the laid-out parts.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.translation import pgettext

from helsefellesskap.pdf import css_string, render_html
from helsefellesskap.pdf_merge import PdfPart, anchor_pages, merge_tagged, page_count
from helsefellesskap.pdf_page_numbers import DIGITS, FooterPlace, glyph_font, stamp_page_numbers
from helsefellesskap.pdf_parts import render_parts
from helsefellesskap.render_jobs import RenderedFile

from .charts import status_bar_svg
from .contributions import REPORT_CHAPTERS, gather
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
STYLESHEET = "css/report.css"
# Where report.css puts the footer: the right and bottom page margins (mm), as in its @page rules.
FOOTER_PLACE = FooterPlace(portrait=(16, 20), landscape=(14, 16))
FOOTER_FONT = "font-family: 'Source Sans 3', sans-serif; font-size: 8pt"


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
        # Drawn as wide as the summary's chart column is high-to-wide, so the numbers on the
        # bars print at about 7 pt instead of being scaled down from a web-sized bar.
        return status_bar_svg(self.counts, title=self.label, width=130)


# The heat map's shades: 0 (none) and four steps up to the largest count on the map.
HEAT_LEVELS = 4


@dataclass(frozen=True)
class HeatCell:
    """One cell of the heat map: its measures, how many of them are carried out or under way,
    and its shade (0-HEAT_LEVELS, by the count; the count is always printed too)."""

    count: int
    active: int
    level: int


@dataclass
class HeatRow:
    label: str
    cells: list


def heat_map(coverage) -> list[HeatRow]:
    """Committee x priority group: the number of active measures aimed at each group."""
    rows = [
        (row.committee.short_name or row.committee.name, row.cells) for row in coverage.committees
    ]
    largest = max((counts.total for _label, cells in rows for counts in cells), default=0)

    def cell(counts: StatusCounts) -> HeatCell:
        level = -(-HEAT_LEVELS * counts.total // largest) if counts.total else 0  # ceiling
        return HeatCell(counts.total, counts.done + counts.in_progress, level)

    return [HeatRow(label, [cell(counts) for counts in cells]) for label, cells in rows]


@dataclass(frozen=True)
class ReportCell:
    """A measure's status in one year, as the report prints it (label and note, or blank)."""

    status: str
    label: str
    note: str

    @classmethod
    def of(cls, status) -> "ReportCell":
        # A year without a status says so in words, as the web pages do.
        if status is None:
            return cls("not_reported", status_label(""), "")
        return cls(status.status or "not_reported", status_label(status.status), status.note)


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
    # This committee's part of the changes since the last revision (same keys as Report.changes).
    changes: dict = field(default_factory=dict)


@dataclass
class Report:
    plan: object
    year: int
    committee: Committee | None
    sections: list
    by_priority_group: list
    changes: dict
    generated_on: date
    # Priority-group coverage and its warnings (actionplan.coverage); whole-plan reports only.
    coverage: object = None
    # The chapters other apps contribute (contributions.REPORT_CHAPTERS), with their content.
    chapters: list = field(default_factory=list)

    @property
    def contributed(self) -> dict:
        """Each contributed chapter's content by its key."""
        return {chapter.contribution.key: chapter.content for chapter in self.chapters}

    @property
    def heat_map(self) -> list[HeatRow]:
        return heat_map(self.coverage) if self.coverage else []

    @property
    def summaries(self) -> list[CountsRow]:
        return [section.summary for section in self.sections]


def build_report(*, plan, year, committee=None, chapters=REPORT_CHAPTERS.contributions) -> Report:
    """Everything the report shows for one plan, year and scope (whole plan or one committee).

    `chapters` gives the chapters other apps contribute (all registered ones by default)."""
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
        # The summary names each committee by its short name: the full names ("Fagleg
        # samarbeidsutval for ...") made every row four lines high.
        c.pk: CommitteeSection(
            c, summary=CountsRow(c.short_name or c.name, by_committee.get(c.pk, StatusCounts()))
        )
        for c in committees
    }
    changes = changes_since_last_revision(plan=plan, year=year, committee=committee)
    by_committee_changes = changes_by_committee(changes)
    for pk, section in sections.items():
        section.changes = by_committee_changes[pk]
    for measure in measures:
        section = sections[measure.goal.committee_id]
        if not section.goals or section.goals[-1].goal.pk != measure.goal_id:
            section.goals.append(GoalBlock(measure.goal))
        goal_block = section.goals[-1]
        if not goal_block.subgoals or goal_block.subgoals[-1].subgoal != measure.subgoal:
            goal_block.subgoals.append(SubGoalBlock(measure.subgoal))
        goal_block.subgoals[-1].measures.append(measure)
        measure.report_cells = [ReportCell.of(measure.status_for(y)) for y in plan.years]

    return Report(
        plan=plan,
        year=year,
        committee=committee,
        # A committee whose last measure was retired still shows, for its changes.
        sections=[s for s in sections.values() if s.goals or any(s.changes.values())],
        by_priority_group=[
            CountsRow(group.name, by_group.get(group.pk, StatusCounts()))
            for group in PriorityGroup.objects.all()
        ],
        changes=changes,
        generated_on=timezone.localdate(),
        coverage=None if committee else priority_group_coverage(plan=plan, year=year),
        chapters=gather(chapters(), plan=plan, year=year, committee=committee),
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


def changes_by_committee(changes: dict) -> dict[int, dict]:
    """The changes split by the committee whose measures they concern (one pass over each
    list), each with the same keys: status_changes, added, retired."""
    by_committee = defaultdict(lambda: {"status_changes": [], "added": [], "retired": []})
    for change in changes["status_changes"]:
        by_committee[change["measure"].goal.committee_id]["status_changes"].append(change)
    for key in ("added", "retired"):
        for record in changes[key]:
            by_committee[record.goal.committee_id][key].append(record)
    return by_committee


@dataclass(frozen=True)
class ContentsEntry:
    anchor: str
    title: str
    page: str


def contents(report: Report, page_numbers: dict | None) -> list[ContentsEntry]:
    """The table of contents; "000" holds a number's place until the pages are known."""
    entries = [("summary", pgettext("annual report", "Summary"))]
    if report.coverage:
        entries.append(
            ("coverage", pgettext("annual report", "Coverage of the priority patient groups"))
        )
    entries += [(f"committee-{s.committee.pk}", s.committee.name) for s in report.sections]
    entries.append(("changes", pgettext("annual report", "Changes since the last revision")))
    entries += [(c.contribution.key, c.contribution.title()) for c in report.chapters]
    return [
        ContentsEntry(anchor, title, str(page_numbers[anchor]) if page_numbers else "000")
        for anchor, title in entries
    ]


def report_html_parts(report: Report) -> Iterator[str]:
    """The report as separate HTML documents, made one by one: cover and contents (with
    placeholders for the page numbers), summary, each committee, and the closing sections."""
    yield front_html(report)
    yield from body_html(report)


def front_html(report: Report, page_numbers: dict | None = None) -> str:
    """The cover and the contents. Without page numbers the contents show placeholders of the
    same width, for learning how many pages the cover and contents take."""
    with translation.override(REPORT_LANGUAGE):
        return _part(
            report,
            "actionplan/report/_cover.html",
            "actionplan/report/_contents.html",
            contents=contents(report, page_numbers),
        )


def body_html(report: Report) -> Iterator[str]:
    """The summary, each committee and the closing sections, each as its own document."""
    with translation.override(REPORT_LANGUAGE):
        # The running header of every page but the cover (report.css sets it from the cover
        # in a document laid out in one piece; a part has no cover).
        running = {
            "title": css_string(report.plan.title),
            "organisation": css_string(
                pgettext("annual report", "Helsefellesskap Møre og Romsdal")
            ),
        }
    summary = ["actionplan/report/_summary.html"]
    if report.coverage:
        summary.append("actionplan/report/_coverage.html")
    yield _part(report, *summary, running=running, coverage=report.coverage)
    for section in report.sections:
        yield _part(report, "actionplan/report/_committee.html", running=running, section=section)
    closing = ["actionplan/report/_changes.html"] + [c.template for c in report.chapters]
    yield _part(report, *closing, running=running)


def _part(report: Report, *templates, **extra) -> str:
    """One part of the report as a complete HTML document, in the report's language."""
    context = {"report": report, "years": report.plan.years, "language": REPORT_LANGUAGE}
    with translation.override(REPORT_LANGUAGE):
        return render_to_string(
            "actionplan/report/pdf_part.html", {**context, "templates": templates, **extra}
        )


def render_report_pdf(*, plan, year, committee=None) -> RenderedFile:
    """Build, lay out and write the report; returns the PDF bytes and its page count."""
    with translation.override(REPORT_LANGUAGE):
        report = build_report(plan=plan, year=year, committee=committee)
        label = pgettext("annual report", "page %(page)s of %(pages)s")
        # Made before the pool starts: laying out its few glyphs also readies the font
        # machinery, which the pool's processes then inherit instead of each starting it.
        footer_font = _footer_font(label)
        laid_out = render_parts(report_html_parts(report))
        front, body = laid_out[0].content, [part.content for part in laid_out[1:]]
        # The contents' numbers cannot change how many pages the cover and contents take
        # (placeholders are as wide), but a line that wraps differently would: check.
        in_body = anchor_pages(body, first_page=1)  # page of each anchor, counted in the body
        for _attempt in range(3):
            front_pages = page_count(front)
            numbers = {anchor: page + front_pages for anchor, page in in_body.items()}
            front = render_parts([front_html(report, numbers)])[0].content
            if page_count(front) == front_pages:
                break
        joined = merge_tagged([PdfPart(front, owns_anchors=False), *map(PdfPart, body)])
        stamp_page_numbers(joined.pdf, label=label, font=footer_font, place=FOOTER_PLACE)
        pages = len(joined.pdf.pages)
        return RenderedFile(content=joined.write(), pages=pages)


def render_report(job) -> RenderedFile:
    """The renderer of a Report job (registered under "actionplan.annual_report")."""
    return render_report_pdf(plan=job.plan, year=job.year, committee=job.committee)


@lru_cache(maxsize=8)
def _footer_font(label: str):
    characters = label % {"page": DIGITS, "pages": ""}
    return glyph_font(characters, render_html, css_href=static(STYLESHEET), font_css=FOOTER_FONT)
