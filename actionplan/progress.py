"""How far each committee has come in reporting a year: the revision board's numbers."""

from dataclasses import dataclass, field

from .models import Committee, Measure, MeasureStatus
from .versioning import user_display_name


@dataclass
class CommitteeProgress:
    """One committee's reporting for one year."""

    committee: Committee
    total: int = 0
    reported: int = 0
    missing: list = field(default_factory=list)
    last_updated_at: object = None
    last_updated_by: object = None

    @property
    def last_updated_by_name(self) -> str:
        return user_display_name(self.last_updated_by) if self.last_updated_by else ""

    @property
    def percent(self) -> int:
        return round(100 * self.reported / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.reported == self.total


def committee_progress(plan, year, committees=None) -> list[CommitteeProgress]:
    """Per committee: active measures, how many have a status for the year, who updated last,
    and which are missing. Three queries, however many committees and measures."""
    if committees is None:
        committees = Committee.objects.all()
    progress = {c.pk: CommitteeProgress(committee=c) for c in committees}
    measures = (
        Measure.objects.active()
        .in_plan(plan)
        .filter(goal__committee__in=list(progress))
        .select_related("goal")
        .in_plan_order()
    )
    statuses = {
        s.measure_id: s
        for s in MeasureStatus.objects.filter(year=year, measure__in=measures).select_related(
            "updated_by__person"
        )
    }
    for measure in measures:
        row = progress[measure.goal.committee_id]
        row.total += 1
        status = statuses.get(measure.pk)
        if status and status.status:
            row.reported += 1
        else:
            row.missing.append(measure)
        if (
            status
            and status.updated_by_id
            and (row.last_updated_at is None or status.updated_at > row.last_updated_at)
        ):
            row.last_updated_at, row.last_updated_by = status.updated_at, status.updated_by
    return list(progress.values())
