"""Tags for the yearly cycle's partials, so other pages include them in one line:

{% load actionplan_cycle %}
{% priority_group_coverage plan year %}   {# the coverage table and warnings #}
{% measure_lineage measure %}             {# "carried over from" across plans #}
{% plan_switcher plan %}                  {# links to the current and earlier plans #}
{% revision_deadline_form revision %}     {# the open revision year's deadline form #}
{% my_reminders %}                        {# the reminders sent to the logged-in user #}
"""

from django import template

from ..coverage import coverage
from ..plan_choice import plans_for

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
    """A switch between the current plan and earlier ones (nothing when there is only one).
    Uses the plans the view already read for this request (no query of its own)."""

    request = context["request"]
    plans, current = plans_for(request)
    return {"plan": plan, "plans": plans, "current": current, "request": request}


@register.inclusion_tag("actionplan/_revision_deadline_form.html", takes_context=True)
def revision_deadline_form(context, revision):
    """The deadline form of an open revision year (posts to actionplan:revision_deadline)."""
    from ..cycle_forms import DeadlineForm

    if revision is not None and revision.is_locked:
        revision = None
    return {
        "revision": revision,
        "form": DeadlineForm(instance=revision) if revision else None,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("actionplan/_my_reminders.html", takes_context=True)
def my_reminders(context):
    """The revision reminders the logged-in user has been sent (for a dashboard or account)."""
    from ..models import SentReminder

    return {"reminders": SentReminder.objects.for_user_page(context["request"].user)}
