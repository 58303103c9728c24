"""What meetings add to the plan's pages: the action points that follow up a committee's work
and a measure. Registered in MeetingsConfig.ready() (see actionplan/contributions.py)."""

from actionplan.contributions import Contribution

from .models import ActionPoint
from .rights import action_points_visible_to


def open_action_points_of_committee(*, committee, user, **_):
    return action_points_visible_to(user, ActionPoint.objects.open_for_committee(committee))


def action_points_of_measure(*, measure, user, **_):
    return action_points_visible_to(user, ActionPoint.objects.for_measure(measure))


COMMITTEE_ACTION_POINTS = Contribution(
    key="action-points",
    template="meetings/_committee_action_points.html",
    gather=open_action_points_of_committee,
)
MEASURE_ACTION_POINTS = Contribution(
    key="action-points",
    template="meetings/_measure_action_points.html",
    gather=action_points_of_measure,
)
