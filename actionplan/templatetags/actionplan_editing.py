"""Editing pieces for the public plan pages: status cells, measure actions, history, links.

{% load actionplan_editing %}
{% status_cell measure year %}        a measure's status for a year, editable in place
{% measure_actions measure %}         status per year and edit controls (editors only)
{% measure_history measure %}         the measure's timeline
{% committee_editing_links committee %}  report / edit plan / editors links
"""

from django import template

from helsefellesskap.content_versions import cached_value

from ..caching import PLAN_CONTENT
from ..partials import page_status_cells
from ..rights import can_edit_committee, can_manage_committees, can_restore, can_see_history
from ..timeline import recent_changes

register = template.Library()


@register.simple_tag(takes_context=True)
def editable_status_cell(context, measure, year):
    """The status cell with an in-place edit control for editors (partials.StatusCells).

    Uses the page's ``plan`` when there is one and the measure's prefetched statuses, so a
    page of many cells costs no query per cell.
    """
    plan = context.get("plan") or measure.goal.plan
    return page_status_cells(context["request"], plan).cell(measure, year)


@register.inclusion_tag("actionplan/_measure_actions.html", takes_context=True)
def measure_actions(context, measure):
    request = context["request"]
    plan = context.get("plan") or measure.goal.plan
    # A retired measure takes no statuses; its page stays a record only.
    can_edit = measure.is_active and can_edit_committee(request.user, measure.goal.committee)
    return {
        "request": request,
        "measure": measure,
        "plan": plan,
        "can_edit": can_edit,
        "years": plan.years,
        "default_year": plan.default_year() if can_edit else None,
    }


@register.inclusion_tag("actionplan/_measure_history.html", takes_context=True)
def measure_history(context, measure):
    """The latest changes, for logged-in users (they name the people who made each change),
    with a link to the whole history when there is more."""
    request = context["request"]
    if not can_see_history(request.user):
        return {"shown": False}
    # Read from the history tables (four queries and most of the page's time): kept for
    # the plan's content version, which every change it shows replaces.
    entries, total = cached_value(
        "measure-recent-changes",
        measure.pk,
        compute=lambda: recent_changes(measure),
        contents=(PLAN_CONTENT,),
        request=request,
    )
    return {
        "shown": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "measure": measure,
        "entries": entries,
        "total": total,
        "more": total > len(entries),
        "can_restore": can_restore(request.user),
    }


@register.inclusion_tag("actionplan/_committee_editing_links.html", takes_context=True)
def committee_editing_links(context, committee):
    request = context["request"]
    plan = context.get("plan")
    can_edit = can_edit_committee(request.user, committee)
    return {
        "committee": committee,
        "can_edit": can_edit,
        "can_manage": can_manage_committees(request.user),
        "year": plan.default_year() if plan and can_edit else None,
    }
