"""Which plan a page shows: the current one, or an earlier plan chosen with ?plan=<pk>.

Read once per request, for the pages and for the plan switcher in the header.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from .models import Plan


def plans_for(request) -> tuple[list[Plan], Plan | None]:
    """Every plan (newest first) and the current one, read once per request (one query)."""
    cached = getattr(request, "_actionplan_plans", None)
    if cached is None:
        plans = list(Plan.objects.with_open_revision_year().order_by("-start_year", "-pk"))
        # The same rule as PlanQuerySet.current(): the newest plan not ended, else the newest.
        current = next((p for p in plans if not p.ended), plans[0] if plans else None)
        cached = request._actionplan_plans = (plans, current)
    return cached


def plan_from_request(request, *, required=True):
    """The plan a public page shows: the one chosen with ?plan=<pk> (an earlier plan), else
    the current plan. 404 for an unknown plan, or when none is loaded and `required`."""
    plans, current = plans_for(request)
    chosen = request.GET.get("plan", "")
    if chosen:
        plan = next((p for p in plans if str(p.pk) == chosen), None)
        if plan is None:
            raise Http404(_("No such plan."))
        return plan
    if current is None and required:
        raise Http404(_("No plan has been loaded yet."))
    return current


def plan_query(request, plan) -> str:
    """The query string that keeps an earlier plan chosen on links ("" for the current plan)."""
    _plans, current = plans_for(request)
    return "" if current is None or plan.pk == current.pk else f"plan={plan.pk}"
