"""What following a committee tells: its measures' status changes (helsefellesskap/follows.py)."""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from helsefellesskap.follows import Change, Followable

from .feeds import PlanStatusFeed
from .models import Committee, Measure, MeasureStatus
from .rights import followable_committees


def committee_changes(ids, start, end) -> dict[int, list[Change]]:
    """The status changes of each committee's measures still in the plan, oldest first."""
    statuses = (
        MeasureStatus.objects.filter(
            measure__goal__committee__in=ids,
            measure__in=Measure.objects.active(),
            updated_at__gte=start,
            updated_at__lt=end,
        )
        .exclude(status="", note="")
        .select_related("measure__goal")
        .order_by("updated_at", "pk")
    )
    feed, found = PlanStatusFeed(), defaultdict(list)
    for status in statuses:
        found[status.measure.goal.committee_id].append(
            Change(
                title=feed.item_title(status),
                url=status.measure.get_absolute_url(),
                when=status.updated_at,
                detail=status.note,
            )
        )
    return found


FOLLOWABLE = Followable(
    key="committee",
    model="actionplan.Committee",
    label=_("Committees"),
    followable=lambda user: followable_committees(user, Committee.objects.all()),
    changes=committee_changes,
    order=10,
)
