"""Priority-group coverage: how many active measures serve each of the four priority patient
groups in a year, with their statuses, per committee and in total, and where the gaps are.

Used by the revision board (`actionplan/_coverage.html`) and the annual report.
"""

from dataclasses import dataclass, field

from django.db.models import F, FilteredRelation, Q

from .models import Committee, Measure, PriorityGroup, Status, StatusCounts

#: A group no active measure serves.
NO_MEASURE = "no_measure"
#: A group whose measures are all not carried out or not reported: none done or under way.
NONE_CARRIED_OUT = "none_carried_out"


@dataclass
class GroupCoverage:
    """One priority group: its counts in total and per committee, and any warning."""

    group: PriorityGroup
    total: StatusCounts
    by_committee: dict = field(default_factory=dict)  # committee id -> StatusCounts
    gap_measures: list = field(default_factory=list)  # filled for warned groups only

    @property
    def warning(self) -> str | None:
        if self.total.total == 0:
            return NO_MEASURE
        if self.total.done + self.total.in_progress == 0:
            return NONE_CARRIED_OUT
        return None

    @property
    def committees_serving(self) -> list:
        return [pk for pk, counts in self.by_committee.items() if counts.total]


@dataclass
class CommitteeRow:
    """One committee's row of the coverage table: its counts for each group, in group order."""

    committee: Committee
    cells: list  # StatusCounts per group, in the order of Coverage.groups


@dataclass
class Coverage:
    plan: object
    year: int
    groups: list  # GroupCoverage, in priority-group order
    committees: list  # CommitteeRow, committees of the plan in their order

    @property
    def warnings(self) -> list[GroupCoverage]:
        return [g for g in self.groups if g.warning]


def coverage(*, plan, year: int, committee=None, committees=None) -> Coverage:
    """Priority-group coverage of the plan's active measures for a year (optionally of one
    committee): four queries, whatever the plan's size or gaps (three when the caller passes
    the plan's `committees`, in their order)."""
    scope = Measure.objects.active().in_plan(plan)
    if committees is None:
        committees = Committee.objects.in_plan(plan)
    if committee is not None:
        scope = scope.filter(goal__committee=committee)
        committees = [c for c in committees if c.pk == committee.pk]
    counts = scope.status_counts_by(("priority_groups", "goal__committee"), year)
    groups = list(PriorityGroup.objects.all())
    committees = list(committees)
    by_group = {
        group.pk: GroupCoverage(
            group,
            total=sum(
                (c for (g, _), c in counts.items() if g == group.pk),
                StatusCounts(),
            ),
            by_committee={cid: c for (g, cid), c in counts.items() if g == group.pk},
        )
        for group in groups
    }
    for measure in _gap_measures(scope, year):
        # Where the gaps are: the measures of the groups with none carried out or under way.
        gap = by_group.get(measure.gap_group)
        if gap is not None and gap.warning == NONE_CARRIED_OUT:
            gap.gap_measures.append(measure)
    rows = [
        CommitteeRow(c, [by_group[g.pk].by_committee.get(c.pk, StatusCounts()) for g in groups])
        for c in committees
    ]
    return Coverage(plan=plan, year=year, groups=list(by_group.values()), committees=rows)


def _gap_measures(scope, year):
    """Measures of `scope` in a priority group that none of its measures carries out or has
    under way in `year`, once per such group (`gap_group`), with `year_status`: one query,
    also when there is no gap, so the pages' query count does not depend on the data."""
    carried = scope.filter(
        statuses__year=year,
        statuses__status__in=[Status.DONE, Status.IN_PROGRESS],
        priority_groups__isnull=False,
    ).values("priority_groups")
    return (
        scope.filter(priority_groups__in=PriorityGroup.objects.exclude(pk__in=carried))
        .annotate(
            gap_group=F("priority_groups"),
            year_status=FilteredRelation("statuses", condition=Q(statuses__year=year)),
        )
        .select_related("goal__committee", "year_status")
        .in_plan_order()
    )
