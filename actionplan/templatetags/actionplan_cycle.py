"""Tags for the yearly cycle's partials, so other pages include them in one line:

{% load actionplan_cycle %}
{% priority_group_coverage plan year %}   {# the coverage table and warnings #}
{% measure_lineage measure %}             {# "carried over from" across plans #}
{% plan_switcher plan %}                  {# links to the current and earlier plans #}
"""

from django import template

from ..coverage import coverage
from ..models import Plan

register = template.Library()


@register.inclusion_tag("actionplan/_coverage.html")
def priority_group_coverage(plan, year, committee=None):
    """Priority-group coverage of a plan's year (four or five queries)."""
    return {"coverage": coverage(plan=plan, year=year, committee=committee)}


@register.inclusion_tag("actionplan/_predecessors.html")
def measure_lineage(measure):
    """The measures this one was carried over from, in earlier plans."""
    return {"measure": measure, "lineage": measure.lineage()}


@register.inclusion_tag("actionplan/_plan_switcher.html", takes_context=True)
def plan_switcher(context, plan):
    """A switch between the current plan and earlier ones (nothing when there is only one)."""
    plans = list(Plan.objects.order_by("-start_year", "-pk"))
    return {
        "plan": plan,
        "plans": plans,
        "current": Plan.objects.current(),
        "request": context.get("request"),
    }
