"""Public pages of the action plan: overview, committee, plan table, measure. No login."""

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from helsefellesskap.content_versions import cached_fragment, cached_value
from helsefellesskap.exports import csv_response, set_download_name
from helsefellesskap.page_cache import anonymous_page_cache

from ..caching import PLAN_CONTENT, plan_page_state
from ..charts import status_bar_svg, status_years_svg
from ..contributions import COMMITTEE_PAGE, MEASURE_PAGE, gather
from ..docx_export import DOCX_CONTENT_TYPE, plan_docx_bytes, plan_docx_filename
from ..exports import xlsx_response
from ..filters import MeasureFilter
from ..models import Committee, Goal, Measure, StatusCounts
from ..partials import page_status_cells
from ..plan_choice import plan_from_request, plan_query
from ..rights import can_correct_locked_year, can_edit_committee, can_restore, can_see_history
from ..tables import PlanTable
from ..timeline import HISTORY_PAGE_SIZE, measure_timeline


def _crumbs(*trail):
    """Breadcrumbs below the front page, which is the plan's overview (the trail starts there:
    includes/_breadcrumbs.html): (label, url) pairs; the last is this page."""
    return list(trail)


def _chosen_year(request, plan) -> int:
    """The year asked for in ?year=, when it is one of the plan's years; else the default."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    return year if year in plan.years else plan.default_year()


@anonymous_page_cache(state=plan_page_state, query=("plan", "year"))
def overview(request):
    """The plan's front page: every committee with its status distribution for a year."""
    plan = plan_from_request(request, required=False)
    if plan is None:
        return render(request, "actionplan/overview.html", {"plan": None})
    year = _chosen_year(request, plan)
    query = plan_query(request, plan)
    status_html = cached_fragment(
        "overview-status",
        plan.pk,
        year,
        query,
        contents=(PLAN_CONTENT,),
        render=lambda: render_to_string(
            "actionplan/_overview_status.html",
            {**_overview_status(plan, year), "plan_query": query},
            request=request,
        ),
        request=request,
    )
    context = {
        "plan": plan,
        "year": year,
        "status_html": status_html,
        "breadcrumbs": _crumbs(),
        "at_front_page": True,  # at /plan/ as at /: the trail's root is this page
        "plan_query": query,
    }
    return render(request, "actionplan/overview.html", context)


def _overview_status(plan, year) -> dict:
    """The overview's status section: each committee's and the plan's counts for a year."""
    committees = list(
        Committee.objects.in_plan(plan).annotate(
            goal_count=Count("goals", filter=Q(goals__plan=plan, goals__retired=False))
        )
    )
    counts = Measure.objects.active().status_counts_by_committee(plan, year)
    total = StatusCounts()
    for committee in committees:
        committee.counts = counts.get(committee.pk, StatusCounts())
        committee.chart = status_bar_svg(
            committee.counts,
            title=_("%(committee)s, %(year)s") % {"committee": committee.short_name, "year": year},
        )
        total += committee.counts
    return {
        "plan": plan,
        "year": year,
        "committees": committees,
        "total": total,
        "total_chart": status_bar_svg(
            total,
            title=_("All committees, %(year)s") % {"year": year},
            width=480,
            height=32,
        ),
    }


def committee_detail(request, slug):
    """One committee: its people, then goals, sub-goals and measures with yearly statuses."""
    plan = plan_from_request(request)
    committee = get_object_or_404(
        Committee.objects.select_related("leader", "deputy", "secretary"), slug=slug
    )
    # The status chart and the goal tree cost most of the page and change only with the
    # plan's content (issue 9). The tree's edit controls depend on the user only through
    # these rights and the page they return to, so editors share a variant of it too.
    edit_variant = None
    if can_edit_committee(request.user, committee):
        edit_variant = (can_correct_locked_year(request.user), request.get_full_path())
    parts = cached_value(
        "committee-page",
        plan.pk,
        committee.pk,
        edit_variant,
        compute=lambda: _committee_parts(request, plan, committee),
        contents=(PLAN_CONTENT,),
        request=request,
    )
    context = {
        "plan": plan,
        "committee": committee,
        "status_html": mark_safe(parts["status"]),  # noqa: S308 - our own HTML
        "goals_html": mark_safe(parts["goals"]),  # noqa: S308 - our own HTML
        "contributions": gather(
            COMMITTEE_PAGE.contributions(), committee=committee, user=request.user
        ),
        "plan_query": plan_query(request, plan),
        "breadcrumbs": _crumbs((committee.short_name, None)),
    }
    return render(request, "actionplan/committee_detail.html", context)


def _committee_parts(request, plan, committee) -> dict[str, str]:
    """The committee page's cached HTML: its status per year, and its goal tree."""
    goals = list(Goal.objects.active().filter(plan=plan, committee=committee).with_measures())
    # Earlier years fold behind "Show all years", as on the plan table.
    current_year = plan.default_year()
    # Each row's year cells drawn at once, the edit rights decided once for the page.
    cells = page_status_cells(request, plan)
    for goal in goals:
        # Each sub-goal's table leaves out the text columns none of its measures fill.
        goal.section_list = [
            (subgoal, measures, _filled_columns(measures)) for subgoal, measures in goal.sections()
        ]
        for measure in goal.measures.all():
            measure.status_cells = cells.row(measure, plan.years, current_year)
    # The chart counts the tree's measures (the committee's active ones in the plan), loaded
    # above with their statuses.
    by_year = StatusCounts.by_year_of(
        (measure for goal in goals for measure in goal.measures.all()), plan.years
    )
    chart = status_years_svg(
        by_year,
        title=_("Status per year for %(committee)s") % {"committee": committee.short_name},
    )
    context = {
        "plan": plan,
        "committee": committee,
        "years": plan.years,
        "current_year": current_year,
    }
    return {
        "status": render_to_string(
            "actionplan/_committee_status.html",
            {**context, "chart": chart, "counts_by_year": by_year},
            request=request,
        ),
        "goals": render_to_string(
            "actionplan/_committee_goals.html", {**context, "goals": goals}, request=request
        ),
    }


def _filled_columns(measures) -> dict[str, bool]:
    """Which of the committee table's optional text columns any of these measures fills."""
    return {
        name: any(getattr(measure, name) for measure in measures)
        for name in ("responsible", "measurement", "notes")
    }


@require_safe
def plan_docx(request, slug=None):
    """The plan (or, with a slug, one committee's part) as a Word document in the layout of
    the plan's own document; public like the table's CSV and XLSX (?plan= for an earlier plan)."""
    plan = plan_from_request(request)
    committee = get_object_or_404(Committee, slug=slug) if slug else None
    response = HttpResponse(plan_docx_bytes(plan, committee), content_type=DOCX_CONTENT_TYPE)
    set_download_name(response, plan_docx_filename(plan, committee))
    return response


class PlanTableView(SingleTableMixin, FilterView):
    """All measures of the current plan: filter, sort, page, and download as CSV."""

    table_class = PlanTable
    filterset_class = MeasureFilter
    template_name = "actionplan/plan_table.html"
    table_pagination = {"per_page": 50}

    def dispatch(self, request, *args, **kwargs):
        self.plan = plan_from_request(request)
        self.default_year = self.plan.default_year()
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Measure.objects.for_plan_table(self.plan).with_lists()

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        return {**kwargs, "plan": self.plan, "default_year": self.default_year}

    def get_table_kwargs(self):
        return {"years": self.plan.years, "current_year": self.default_year}

    def export_format(self) -> str | None:
        """ "csv" or "xlsx" when the filtered table is to be downloaded, else None."""
        wanted = self.kwargs.get("export") or self.request.GET.get("_export")
        return wanted if wanted in ("csv", "xlsx") else None

    def render_to_response(self, context, **response_kwargs):
        if export := self.export_format():
            # Every filtered row in the chosen order, not just this page.
            table = self.table_class(self.get_table_data(), **self.get_table_kwargs())
            RequestConfig(self.request, paginate=False).configure(table)
            filename = f"{slugify(self.plan.title, allow_unicode=True)}.{export}"
            if export == "csv":
                return csv_response(table.as_values(), filename)
            return xlsx_response(table.as_values(), filename, sheet_title=_("Action plan"))
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        # Not SingleTableMixin's: the table is built only when its fragment is not cached.
        context = super(SingleTableMixin, self).get_context_data(**kwargs)
        if self.export_format():
            return context  # render_to_response builds the whole table itself
        query = self.request.GET.copy()
        query.pop("_export", None)
        # Every parameter changes the rows, their order or the links in the fragment.
        vary_on = sorted((name, query.getlist(name)) for name in query)
        context.update(
            plan=self.plan,
            plan_query=plan_query(self.request, self.plan),
            default_year=self.default_year,
            results_html=cached_fragment(
                "plan-table",
                self.plan.pk,
                vary_on,
                render=self.render_results,
                contents=(PLAN_CONTENT,),
                request=self.request,
            ),
            breadcrumbs=_crumbs((gettext_lazy("Plan table"), None)),
        )
        return context

    def render_results(self) -> str:
        """The filters, the table, its count and download links (the page's cached fragment).

        The filter form is in the fragment because drawing its choices through Django's
        widget templates costs more than the rows (issue 9)."""
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("_export", None)
        suffix = f"?{query.urlencode()}" if query else ""
        table = self.get_table(**self.get_table_kwargs())
        table.prepare_page()
        context = {
            "plan": self.plan,
            "filter": self.filterset,
            "table": table,
            "plan_query": plan_query(self.request, self.plan),
            "csv_url": reverse("actionplan:table_csv") + suffix,
            "xlsx_url": reverse("actionplan:table_xlsx") + suffix,
        }
        return render_to_string(
            "actionplan/_plan_table_results.html", context, request=self.request
        )


# The table's page, whole responses cached for anonymous visitors (a ?_export= download too:
# the query string is in the key). table.csv and table.xlsx are not cached.
plan_table = anonymous_page_cache(
    state=plan_page_state,
    query=(*MeasureFilter.base_filters, "plan", "sort", "page", "_export"),
)(PlanTableView.as_view())


def measure_detail(request, pk):
    """One measure: its goal chain, people responsible, and every year's status with notes."""
    measure = get_object_or_404(
        Measure.objects.select_related("goal__committee", "goal__plan", "subgoal").prefetch_related(
            "statuses", "priority_groups"
        ),
        pk=pk,
    )
    plan = measure.goal.plan
    # A status outside the plan's years (e.g. carried over) is shown too, never hidden.
    years = sorted(set(plan.years) | {status.year for status in measure.statuses.all()})
    committee = measure.goal.committee
    context = {
        "plan": plan,
        "measure": measure,
        "committee": committee,
        "year_cells": measure.statuses_by_year(years),
        "contributions": gather(MEASURE_PAGE.contributions(), measure=measure, user=request.user),
        "breadcrumbs": _crumbs(
            (committee.short_name, committee.get_absolute_url()),
            (Truncator(measure.text).chars(60), None),
        ),
    }
    return render(request, "actionplan/measure_detail.html", context)


@require_safe
def measure_history(request, pk):
    """A measure's whole history, newest first, a page of changes at a time (its page shows
    only the latest)."""
    if not can_see_history(request.user):
        return redirect_to_login(request.get_full_path())
    measure = get_object_or_404(Measure.objects.select_related("goal__committee"), pk=pk)
    committee = measure.goal.committee
    page = Paginator(measure_timeline(measure), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "measure": measure,
        "page": page,
        "can_restore": can_restore(request.user),
        "breadcrumbs": _crumbs(
            (committee.short_name, committee.get_absolute_url()),
            (Truncator(measure.text).chars(60), measure.get_absolute_url()),
            (_("History"), None),
        ),
    }
    return render(request, "actionplan/measure_history.html", context)
