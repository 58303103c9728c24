"""Priority-group coverage: how many active measures serve each of the four priority patient
groups in a year, with their statuses, per committee and in total, and where the gaps are.

Used by the revision board (`actionplan/_coverage.html`) and the annual report.
"""

from dataclasses import dataclass, field

from .models import Committee, Measure, PriorityGroup, StatusCounts

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


def coverage(*, plan, year: int, committee=None) -> Coverage:
    """Priority-group coverage of the plan's active measures for a year (optionally of one
    committee): four queries, whatever the plan's size (five when a group has a gap)."""
    scope = Measure.objects.active().in_plan(plan)
    committees = Committee.objects.in_plan(plan)
    if committee is not None:
        scope = scope.filter(goal__committee=committee)
        committees = committees.filter(pk=committee.pk)
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
    warned = {pk for pk, g in by_group.items() if g.warning == NONE_CARRIED_OUT}
    if warned:
        # Where the gaps are: the measures of the groups with none carried out or under way.
        gap_measures = (
            scope.filter(priority_groups__in=warned)
            .select_related("goal__committee")
            .prefetch_related("statuses", "priority_groups")
            .in_plan_order()
            .distinct()
        )
        for measure in gap_measures:
            measure.year_status = measure.status_for(year)
            for group in measure.priority_groups.all():
                if group.pk in warned:
                    by_group[group.pk].gap_measures.append(measure)
    rows = [
        CommitteeRow(c, [by_group[g.pk].by_committee.get(c.pk, StatusCounts()) for g in groups])
        for c in committees
    ]
    return Coverage(plan=plan, year=year, groups=list(by_group.values()), committees=rows)
