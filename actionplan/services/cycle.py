"""Starting the next plan period."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from helsefellesskap.content_versions import bump_content_version

from ..caching import PLAN_CONTENT
from ..models import Goal, Measure, Plan, SubGoal
from ..rights import can_run_revision, require


def plan_start_next(*, plan, title: str, start_year: int, end_year: int, carry_measure_ids, by):
    """Start the next plan period from `plan`, in one transaction; returns the new plan.

    The measures in `carry_measure_ids` (active measures of `plan`) are copied into the new
    plan under copies of their goals and sub-goals, each linked to its predecessor; their
    statuses are not copied (the new period starts unreported). The old plan is marked ended
    and is otherwise left as it was.
    """
    require(can_run_revision(by))
    try:
        ids = {int(pk) for pk in carry_measure_ids}
    except (TypeError, ValueError):
        ids = None
    if ids is None:
        raise ValidationError(_("Only active measures of the current plan can be carried over."))
    carried = list(
        Measure.objects.active()
        .in_plan(plan)
        .filter(pk__in=ids)
        .select_related("goal", "subgoal")
        .prefetch_related("priority_groups")
        .in_plan_order()
    )
    if len(carried) != len(ids):
        raise ValidationError(_("Only active measures of the current plan can be carried over."))
    with transaction.atomic():
        old = Plan.objects.select_for_update().get(pk=plan.pk)
        if old.ended:
            raise ValidationError(_("This plan has ended; its next period has been started."))
        new = Plan.objects.create(
            title=title,
            motto=old.motto,
            start_year=start_year,
            end_year=end_year,
            first_status_year=start_year,
            introduction=old.introduction,
            mandate=old.mandate,
            predecessor=old,
        )
        goals, subgoals = {}, {}
        for measure in carried:
            goal = goals.get(measure.goal_id)
            if goal is None:
                goal = goals[measure.goal_id] = _copy(
                    Goal,
                    by,
                    plan=new,
                    committee_id=measure.goal.committee_id,
                    text=measure.goal.text,
                    order=measure.goal.order,
                )
            subgoal = None
            if measure.subgoal_id:
                subgoal = subgoals.get(measure.subgoal_id)
                if subgoal is None:
                    subgoal = subgoals[measure.subgoal_id] = _copy(
                        SubGoal,
                        by,
                        goal=goal,
                        text=measure.subgoal.text,
                        order=measure.subgoal.order,
                    )
            copy = _copy(
                Measure,
                by,
                goal=goal,
                subgoal=subgoal,
                text=measure.text,
                responsible=measure.responsible,
                measurement=measure.measurement,
                notes=measure.notes,
                order=measure.order,
                predecessor=measure,
            )
            copy.priority_groups.set(measure.priority_groups.all())
        # Only the flag changes on the old plan: its content and statuses stay as adopted.
        Plan.objects.filter(pk=old.pk).update(ended=True)
        bump_content_version(PLAN_CONTENT)  # update() sends no post_save
    return new


def _copy(model, by, **fields):
    """Create a row whose history record names who started the new plan."""
    obj = model(**fields)
    obj._history_user = by
    obj.save()
    return obj
