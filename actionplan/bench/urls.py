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
    """The plan table's first 50 rows in a plain template: no django-tables2, no filter form,
    but the same cells (group heads, priority tags, status markers) as the real table."""
    plan = Plan.objects.current()
    current_year = plan.default_year()
    rows = list(Measure.objects.for_plan_table(plan).with_lists()[:50])
    goal_id = subgoal_id = None
    for index, measure in enumerate(rows):
        measure.year_cells = measure.statuses_by_year(plan.years)
        measure.starts_goal = index == 0 or measure.goal_id != goal_id
        measure.starts_group = measure.starts_goal or measure.subgoal_id != subgoal_id
        goal_id, subgoal_id = measure.goal_id, measure.subgoal_id
    show_responsible = any(measure.responsible for measure in rows)
    return render(
        request,
        "actionplan/bench_plain_table.html",
        {
            "measures": rows,
            "years": plan.years,
            "current_year": current_year,
            "show_responsible": show_responsible,
            "span": 1 + show_responsible + len(plan.years),
        },
    )


urlpatterns = [
    *portal_urlpatterns,
    path("bench/plain-plan-table/", plain_plan_table, name="bench_plain_plan_table"),
]
