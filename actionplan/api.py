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
)
from helsefellesskap.content_versions import content_state

from .caching import PLAN_CONTENT
from .filters import MeasureFilter
from .models import Committee, Goal, Measure, Plan, PriorityGroup, SubGoal, status_label

router = Router(tags=["Action plan"])
plan_state = conditional(content_state(PLAN_CONTENT))

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


def _measure_out(request, measure) -> dict:
    return {
        "id": measure.pk,
        "plan": measure.goal.plan_id,
        "committee": committee_ref(request, measure.goal.committee),
        "goal": measure.goal_id,
        "subgoal": measure.subgoal_id,
        "text": measure.text,
        "responsible": measure.responsible,
        "measurement": measure.measurement,
        "notes": measure.notes,
        "priority_groups": [group.slug for group in measure.listed_priority_groups()],
        "statuses": [
            {
                "year": status.year,
                "status": status.status,
                "status_label": status_label(status.status),
                "note": status.note,
                "updated_at": status.updated_at,
            }
            for status in sorted(measure._prefetched("status_list", "statuses"), key=_year)
        ],
        "retired": not measure.is_active,
        "predecessor": measure.predecessor_id,
        "url": absolute(request, reverse("api:measure", args=[measure.pk])),
        "web_url": absolute(request, measure.get_absolute_url()),
    }


def _year(status) -> int:
    return status.year


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
    return page_of(
        request,
        filterset.qs,
        **pages.dict(),
        item=lambda measure: _measure_out(request, measure),
    )


@router.get(
    "/measures/{measure_id}",
    response={200: MeasureOut, **COMMON_RESPONSES},
    url_name="measure",
)
@plan_state
def measure(request, measure_id: int = path_id()):
    """One measure, as its page shows it (a retired one too, marked `retired`)."""
    one = get_object_or_404(
        Measure.objects.select_related("goal__committee", "subgoal").with_lists(), pk=measure_id
    )
    return _measure_out(request, one)


@router.get(
    "/priority-groups",
    response={200: list[PriorityGroupOut], **COMMON_RESPONSES},
    url_name="priority_groups",
)
@plan_state
def priority_groups(request):
    """The national priority patient groups measures are tagged with."""
    return list(PriorityGroup.objects.all())
