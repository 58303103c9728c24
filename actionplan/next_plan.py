"""What happens to each measure when the next plan period starts (the preview), and the rule."""

from dataclasses import dataclass, field

from .models import Goal, Status


def carried_by_default(measure) -> bool:
    """A measure is carried over unless its latest reported status is "carried out"."""
    latest = measure.latest_status()
    return latest is None or latest.status != Status.DONE


@dataclass
class CommitteePreview:
    committee: object
    goals: list = field(default_factory=list)  # Goals with .section_list: [(SubGoal|None, [m])]

    @property
    def measures(self) -> list:
        return [m for goal in self.goals for _, measures in goal.section_list for m in measures]


def next_plan_preview(plan) -> list[CommitteePreview]:
    """Each committee's active goals and measures, each measure with `.latest` (its latest
    MeasureStatus or None) and `.carry` (carried over by default); a fixed number of queries."""
    goals = (
        Goal.objects.active()
        .filter(plan=plan)
        .select_related("committee")
        .with_measures()
        .order_by("committee__order", "committee_id", "order", "pk")
    )
    committees: dict[int, CommitteePreview] = {}
    for goal in goals:
        goal.section_list = goal.sections()
        for measure in goal.measures.all():
            measure.latest = measure.latest_status()
            measure.carry = carried_by_default(measure)
        preview = committees.setdefault(goal.committee_id, CommitteePreview(goal.committee))
        preview.goals.append(goal)
    return list(committees.values())
