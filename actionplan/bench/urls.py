"""The portal's URLs plus the benchmark's reference page, for `manage.py bench` only.

The plan table is compared with "the same rows rendered by a plain Django template (what the
stack can do at best)": served as a page by the same stack (middleware, URL resolving, the
current plan looked up), so that the comparison is of the rendering and not of what every page
pays. Never in ROOT_URLCONF: the bench switches to this module while it measures.
"""

from django.shortcuts import render
from django.urls import path

from actionplan.models import Measure, Plan
from helsefellesskap.urls import urlpatterns as portal_urlpatterns


def plain_plan_table(request):
    """The plan table's first 50 rows in a plain template: no django-tables2, no filters."""
    plan = Plan.objects.current()
    rows = list(Measure.objects.for_plan_table(plan)[:50])
    return render(
        request,
        "actionplan/bench_plain_table.html",
        {"measures": rows, "years": plan.years},
    )


urlpatterns = [
    *portal_urlpatterns,
    path("bench/plain-plan-table/", plain_plan_table, name="bench_plain_plan_table"),
]
