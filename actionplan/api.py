"""The action plan in the open-data API: plans, committees, goals, sub-goals, measures with their
yearly statuses, and the priority patient groups (registered in apps.py; see
helsefellesskap/api.py).

What is listed is what the public pages show: the plan table's measures (MeasureFilter, the
same filters), the committee page's active goals and sub-goals, and any measure by its id as on
its own page. People are given by name and title only, never an e-mail address.
"""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from helsefellesskap.api import (
    COMMON_RESPONSES,
    MAX_ID,
    FilterErrors,
    Page,
    PageParams,
    absolute,
    conditional,
    filter_errors,
    page_of,
    path_id,
    path_slug,
    query_slug,
    validated_elsewhere,
)
from helsefellesskap.content_versions import content_state
from helsefellesskap.page_cache import anonymous_page_cache_named
from helsefellesskap.row_urls import reverse_numbers

from .caching import PLAN_CONTENT, plan_page_state
from .filters import MeasureFilter
from .models import (
    Committee,
    Goal,
    Measure,
    MeasureStatus,
    Plan,
    PriorityGroup,
    SubGoal,
    status_label,
)

router = Router(tags=["Action plan"])
plan_state = conditional(content_state(PLAN_CONTENT))

# The measures list, the API's busiest answer, is kept whole for anonymous callers per
# canonical query string, language and plan content version (helsefellesskap/page_cache.py).
MEASURE_LIST_QUERY = (*MeasureFilter.base_filters, "plan", "page", "page_size")
anonymous_page_cache_named("api:measures", state=plan_page_state, query=MEASURE_LIST_QUERY)

# --- Schemas.


class PersonOut(Schema):
    """A person as the plan names them (no contact details)."""

    name: str
    title: str
    organisation: str


class PlanOut(Schema):
    id: int
    title: str
    motto: str
    start_year: int
    end_year: int
    years: list[int]
    adopted_on: datetime.date | None
    ended: bool
    current: bool
    predecessor: int | None
    url: str
    web_url: str


class CommitteeRef(Schema):
    id: int
    slug: str
    short_name: str
    url: str


class CommitteeOut(Schema):
    id: int
    slug: str
    name: str
    short_name: str
    mandate: str
    leader: PersonOut | None
    leader_title: str
    deputy: PersonOut | None
    url: str
    web_url: str


class GoalOut(Schema):
    id: int
    plan: int
    committee: CommitteeRef
    text: str
    order: int
    url: str


class SubGoalOut(Schema):
    id: int
    goal: int
    text: str
    order: int
    url: str


class PriorityGroupOut(Schema):
    slug: str
    name: str
    order: int


class StatusOut(Schema):
    """A measure's status in one year: a code of the plan's colour scale, or "" with only a
    note (`status_label` then says "Not reported")."""

    year: int
    status: str
    status_label: str
    note: str
    updated_at: datetime.datetime | None


class MeasureOut(Schema):
    id: int
    plan: int
    committee: CommitteeRef
    goal: int
    subgoal: int | None
    text: str
    responsible: str
    measurement: str
    notes: str
    priority_groups: list[str]
    statuses: list[StatusOut]
    retired: bool
    predecessor: int | None
    url: str
    web_url: str


class PlanParams(Schema):
    plan: int | None = Field(None, ge=1, le=MAX_ID)


class MeasureParams(PlanParams):
    """The plan table's filters (actionplan/filters.py MeasureFilter)."""

    committee: str | None = None
    priority_group: str | None = None
    status: str | None = None
    year: int | None = None
    q: str | None = None


# --- Building the answers.


def _plan(plan_id: int | None) -> Plan:
    """The plan asked for, else the current one (as the public pages choose it)."""
    plans = Plan.objects.with_open_revision_year()
    if plan_id is not None:
        return get_object_or_404(plans, pk=plan_id)
    plan = plans.filter(ended=False).order_by("-start_year", "-pk").first() or (
        plans.order_by("-start_year", "-pk").first()
    )
    if plan is None:
        raise Http404("No plan has been loaded yet.")
    return plan


def _person(person) -> dict | None:
    if person is None:
        return None
    return {"name": person.name, "title": person.title, "organisation": person.organisation}


def committee_ref(request, committee) -> dict:
    """How other resources point at a committee."""
    return {
        "id": committee.pk,
        "slug": committee.slug,
        "short_name": committee.short_name,
        "url": absolute(request, reverse("api:committee", args=[committee.slug])),
    }


def _plan_out(request, plan, current_id) -> dict:
    return {
        "id": plan.pk,
        "title": plan.title,
        "motto": plan.motto,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "years": plan.years,
        "adopted_on": plan.adopted_on,
        "ended": plan.ended,
        "current": plan.pk == current_id,
        "predecessor": plan.predecessor_id,
        "url": absolute(request, reverse("api:plan", args=[plan.pk])),
        "web_url": absolute(request, reverse("actionplan:overview") + f"?plan={plan.pk}"),
    }


def _committee_out(request, committee) -> dict:
    return {
        "id": committee.pk,
        "slug": committee.slug,
        "name": committee.name,
        "short_name": committee.short_name,
        "mandate": committee.mandate,
        "leader": _person(committee.leader),
        "leader_title": committee.leader_title,
        "deputy": _person(committee.deputy),
        "url": absolute(request, reverse("api:committee", args=[committee.slug])),
        "web_url": absolute(request, committee.get_absolute_url()),
    }


def _goal_out(request, goal) -> dict:
    return {
        "id": goal.pk,
        "plan": goal.plan_id,
        "committee": committee_ref(request, goal.committee),
        "text": goal.text,
        "order": goal.order,
        "url": absolute(request, reverse("api:goal", args=[goal.pk])),
    }


def _subgoal_out(request, subgoal) -> dict:
    return {
        "id": subgoal.pk,
        "goal": subgoal.goal_id,
        "text": subgoal.text,
        "order": subgoal.order,
        "url": absolute(request, reverse("api:subgoal", args=[subgoal.pk])),
    }


#: The columns of a measure the API shows, read as values (no model objects: issue 19's speed).
_MEASURE_COLUMNS = (
    "pk",
    "goal__plan_id",
    "goal__committee_id",
    "goal__committee__slug",
    "goal__committee__short_name",
    "goal_id",
    "subgoal_id",
    "text",
    "responsible",
    "measurement",
    "notes",
    "retired",
    "goal__retired",
    "subgoal__retired",
    "predecessor_id",
)


def measures_out(request, queryset) -> list[dict]:
    """MeasureOut dicts of the measures in `queryset` (sliced or not), in its order, in three
    queries whatever their number: the measures' columns, their statuses, their groups.

    Built from values() with each URL shape reversed once: the model objects, a reverse()
    per link and pydantic's validation cost a 50-row page two thirds of its time."""
    rows = list(queryset.prefetch_related(None).values(*_MEASURE_COLUMNS))
    ids = [row["pk"] for row in rows]
    statuses: dict[int, list[dict]] = {pk: [] for pk in ids}
    groups: dict[int, list[str]] = {pk: [] for pk in ids}
    if ids:
        labels: dict[str, str] = {}
        for status in (
            MeasureStatus.objects.filter(measure_id__in=ids)
            .order_by("year")
            .values("measure_id", "year", "status", "note", "updated_at")
        ):
            code = status["status"]
            if code not in labels:
                labels[code] = status_label(code)
            statuses[status["measure_id"]].append(
                {
                    "year": status["year"],
                    "status": code,
                    "status_label": labels[code],
                    "note": status["note"],
                    "updated_at": status["updated_at"],
                }
            )
        links = Measure.priority_groups.through.objects.filter(measure_id__in=ids)
        for measure_id, slug in links.order_by(
            "prioritygroup__order", "prioritygroup_id"
        ).values_list("measure_id", "prioritygroup__slug"):
            groups[measure_id].append(slug)
    origin = absolute(request, "/")[:-1]
    committees: dict[int, dict] = {}
    items = []
    for row in rows:
        pk, committee_id = row["pk"], row["goal__committee_id"]
        if committee_id not in committees:
            slug = row["goal__committee__slug"]
            committees[committee_id] = {
                "id": committee_id,
                "slug": slug,
                "short_name": row["goal__committee__short_name"],
                "url": origin + reverse("api:committee", args=[slug]),
            }
        items.append(
            {
                "id": pk,
                "plan": row["goal__plan_id"],
                "committee": committees[committee_id],
                "goal": row["goal_id"],
                "subgoal": row["subgoal_id"],
                "text": row["text"],
                "responsible": row["responsible"],
                "measurement": row["measurement"],
                "notes": row["notes"],
                "priority_groups": groups[pk],
                "statuses": statuses[pk],
                "retired": bool(row["retired"] or row["goal__retired"] or row["subgoal__retired"]),
                "predecessor": row["predecessor_id"],
                "url": origin + reverse_numbers("api:measure", pk),
                "web_url": origin + reverse_numbers("actionplan:measure", pk),
            }
        )
    return items


# --- Endpoints.


@router.get("/plans", response={200: Page[PlanOut], **COMMON_RESPONSES}, url_name="plans")
@plan_state
def plans(request, pages: Query[PageParams]):
    """Every plan period, newest first; `current` marks the one the portal shows by default."""
    queryset = Plan.objects.order_by("-start_year", "-pk")
    current_id = getattr(_plan_or_none(), "pk", None)
    return page_of(
        request,
        queryset,
        **pages.dict(),
        item=lambda plan: _plan_out(request, plan, current_id),
    )


def _plan_or_none():
    try:
        return _plan(None)
    except Http404:
        return None


@router.get("/plans/{plan_id}", response={200: PlanOut, **COMMON_RESPONSES}, url_name="plan")
@plan_state
def plan(request, plan_id: int = path_id()):
    """One plan period."""
    one = get_object_or_404(Plan, pk=plan_id)
    return _plan_out(request, one, getattr(_plan_or_none(), "pk", None))


@router.get(
    "/committees", response={200: Page[CommitteeOut], **COMMON_RESPONSES}, url_name="committees"
)
@plan_state
def committees(request, plan: Query[PlanParams], pages: Query[PageParams]):
    """The committees with goals in a plan (the current one unless `plan` is given)."""
    queryset = Committee.objects.in_plan(_plan(plan.plan)).order_by("order", "pk")
    return page_of(
        request,
        queryset,
        **pages.dict(),
        item=lambda committee: _committee_out(request, committee),
    )


@router.get(
    "/committees/{slug}", response={200: CommitteeOut, **COMMON_RESPONSES}, url_name="committee"
)
@plan_state
def committee(request, slug: str = path_slug()):
    """One committee with its leader and deputy."""
    one = get_object_or_404(Committee.objects.select_related("leader", "deputy"), slug=slug)
    return _committee_out(request, one)


class GoalParams(PlanParams):
    committee: str | None = query_slug()


@router.get("/goals", response={200: Page[GoalOut], **COMMON_RESPONSES}, url_name="goals")
@plan_state
def goals(request, filters: Query[GoalParams], pages: Query[PageParams]):
    """The active main goals of a plan, in the plan's order; `committee`: a committee's slug."""
    queryset = (
        Goal.objects.active()
        .filter(plan=_plan(filters.plan))
        .select_related("committee")
        .order_by("committee__order", "committee_id", "order", "pk")
    )
    if filters.committee:
        queryset = queryset.filter(committee__slug=filters.committee)
    return page_of(request, queryset, **pages.dict(), item=lambda goal: _goal_out(request, goal))


@router.get("/goals/{goal_id}", response={200: GoalOut, **COMMON_RESPONSES}, url_name="goal")
@plan_state
def goal(request, goal_id: int = path_id()):
    """One active main goal."""
    one = get_object_or_404(Goal.objects.active().select_related("committee"), pk=goal_id)
    return _goal_out(request, one)


class SubGoalParams(GoalParams):
    goal: int | None = Field(None, ge=1, le=MAX_ID)


def _active_subgoals():
    return SubGoal.objects.filter(retired=False, goal__retired=False)


@router.get("/subgoals", response={200: Page[SubGoalOut], **COMMON_RESPONSES}, url_name="subgoals")
@plan_state
def subgoals(request, filters: Query[SubGoalParams], pages: Query[PageParams]):
    """The active sub-goals of a plan, in the plan's order; filter by committee slug or goal."""
    queryset = (
        _active_subgoals()
        .filter(goal__plan=_plan(filters.plan))
        .order_by("goal__committee__order", "goal__order", "goal_id", "order", "pk")
    )
    if filters.committee:
        queryset = queryset.filter(goal__committee__slug=filters.committee)
    if filters.goal is not None:
        queryset = queryset.filter(goal_id=filters.goal)
    return page_of(
        request,
        queryset,
        **pages.dict(),
        item=lambda subgoal: _subgoal_out(request, subgoal),
    )


@router.get(
    "/subgoals/{subgoal_id}",
    response={200: SubGoalOut, **COMMON_RESPONSES},
    url_name="subgoal",
)
@plan_state
def subgoal(request, subgoal_id: int = path_id()):
    """One active sub-goal."""
    return _subgoal_out(request, get_object_or_404(_active_subgoals(), pk=subgoal_id))


@router.get(
    "/measures",
    response={200: Page[MeasureOut], 400: FilterErrors, **COMMON_RESPONSES},
    url_name="measures",
)
@plan_state
def measures(request, filters: Query[MeasureParams], pages: Query[PageParams]):
    """The plan table's measures in the plan's order, with every year's status, filtered as
    the table is: `committee` and `priority_group` by slug, `status` (done, in_progress,
    not_done, or not_reported) in `year` (the plan's current year by default), `q` words in
    the goal, sub-goal or measure."""
    the_plan = _plan(filters.plan)
    filterset = MeasureFilter(
        request.GET,
        queryset=Measure.objects.for_plan_table(the_plan).with_lists(),
        plan=the_plan,
        default_year=the_plan.default_year(),
    )
    if not filterset.is_valid():
        return 400, filter_errors(filterset)
    return validated_elsewhere(
        request,
        page_of(
            request,
            filterset.qs,
            **pages.dict(),
            items=lambda page: measures_out(request, page),
        ),
    )


@router.get(
    "/measures/{measure_id}",
    response={200: MeasureOut, **COMMON_RESPONSES},
    url_name="measure",
)
@plan_state
def measure(request, measure_id: int = path_id()):
    """One measure, as its page shows it (a retired one too, marked `retired`)."""
    found = measures_out(request, Measure.objects.filter(pk=measure_id))
    if not found:
        raise Http404("No such measure.")
    return found[0]


@router.get(
    "/priority-groups",
    response={200: list[PriorityGroupOut], **COMMON_RESPONSES},
    url_name="priority_groups",
)
@plan_state
def priority_groups(request):
    """The national priority patient groups measures are tagged with."""
    return list(PriorityGroup.objects.all())
