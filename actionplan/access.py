"""Load an object for a write, checking the user's right to it (decided in roles.py).

Every editing view gets its object through one of these helpers, so the check on the object
itself (not on the URL or a hidden field) is never forgotten.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from helsefellesskap.roles import require_committee_editor, require_secretariat

from .models import Committee, Goal, Measure, Plan, SubGoal

#: The plan items an editor can move, retire and restore, by the name used in URLs.
PLAN_ITEM_MODELS = {"goal": Goal, "subgoal": SubGoal, "measure": Measure}


def get_committee_for_editor(request, slug) -> Committee:
    committee = get_object_or_404(Committee, slug=slug)
    require_committee_editor(request.user, committee)
    return committee


def get_committee_for_secretariat(request, slug) -> Committee:
    require_secretariat(request.user)
    return get_object_or_404(Committee, slug=slug)


def get_goal_for_editor(request, pk) -> Goal:
    goal = get_object_or_404(Goal.objects.select_related("plan", "committee"), pk=pk)
    require_committee_editor(request.user, goal.committee)
    return goal


def get_subgoal_for_editor(request, pk) -> SubGoal:
    subgoal = get_object_or_404(
        SubGoal.objects.select_related("goal__plan", "goal__committee"), pk=pk
    )
    require_committee_editor(request.user, subgoal.goal.committee)
    return subgoal


def get_measure_for_editor(request, pk) -> Measure:
    measure = get_object_or_404(
        Measure.objects.select_related("goal__plan", "goal__committee", "subgoal"), pk=pk
    )
    require_committee_editor(request.user, measure.goal.committee)
    return measure


def get_plan_item_for_editor(request, kind, pk):
    """A goal, sub-goal or measure by its URL kind."""
    getters = {
        "goal": get_goal_for_editor,
        "subgoal": get_subgoal_for_editor,
        "measure": get_measure_for_editor,
    }
    if kind not in getters:
        raise Http404
    return getters[kind](request, pk)


def current_plan_or_404():
    """The current plan, or 404 on a portal where no plan has been loaded yet."""
    plan = Plan.objects.current()
    if plan is None:
        raise Http404(_("No plan has been loaded yet."))
    return plan
