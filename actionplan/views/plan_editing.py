"""Editing a committee's part of the plan: add, edit, reorder, retire and restore goals,
sub-goals and measures, and restore an earlier version of a measure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..forms import GoalForm, MeasureForm, RestoreVersionForm, RetireForm, SubGoalForm
from ..models import Goal, Measure, Plan, SubGoal
from ..rights import (
    can_restore,
    get_committee_for_editor,
    get_goal_for_editor,
    get_measure_for_editor,
    get_plan_item_for_editor,
    get_subgoal_for_editor,
    require,
)
from ..versioning import VersionConflict


def _committee_of(item):
    return item.committee if isinstance(item, Goal) else item.goal.committee


def _plan_edit_url(item) -> str:
    """The committee's plan-editing page, scrolled to the item."""
    url = reverse("actionplan:committee_plan_edit", args=[_committee_of(item).slug])
    return f"{url}#{item.kind_slug}-{item.pk}"


@login_required
def committee_plan_edit(request, slug):
    """The committee's goals, sub-goals and measures with the controls to change them."""
    committee = get_committee_for_editor(request, slug)
    plan = Plan.objects.current()
    goals = (
        Goal.objects.filter(committee=committee, plan=plan)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("subgoals", queryset=SubGoal.objects.order_by("order", "pk")),
            Prefetch(
                "measures",
                queryset=Measure.objects.order_by("order", "pk").prefetch_related(
                    "priority_groups"
                ),
            ),
        )
    )
    outline, retired = [], []
    for goal in goals:
        (retired if goal.retired else outline).append(goal)
        goal.direct_measures = [m for m in goal.measures.all() if m.subgoal_id is None]
        goal.sections = []
        for subgoal in goal.subgoals.all():
            subgoal.section_measures = [
                m for m in goal.measures.all() if m.subgoal_id == subgoal.pk
            ]
            goal.sections.append(subgoal)
        for item in [*goal.subgoals.all(), *goal.measures.all()]:
            if item.retired and not goal.retired:
                retired.append(item)
    context = {
        "committee": committee,
        "plan": plan,
        "goals": outline,
        "retired": retired,
        "can_restore": can_restore(request.user),
    }
    return TemplateResponse(request, "actionplan/committee_plan_edit.html", context)


def _item_form(request, form, *, title, cancel_url, parent=None):
    """The add/edit page of a goal, sub-goal or measure: show the form, or save it.

    A new item goes last among its siblings; an edit is refused (409) if someone saved the
    item since the page was loaded, keeping what the editor typed.
    """
    item = form.instance
    status, conflict = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            groups = (
                form.cleaned_data.get("priority_groups")
                if "priority_groups" in form.fields
                else None
            )
            item = form.save(commit=False)
            if item.pk is None:
                services.plan_item_create(item=item, by=request.user, priority_groups=groups)
                messages.success(request, _("Added."))
                return redirect(_plan_edit_url(item))
            try:
                services.plan_item_update(
                    item=item,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    priority_groups=groups,
                )
            except VersionConflict as error:
                form.data[form.add_prefix("version")] = str(error.current_version)
                status, conflict = 409, error
            else:
                messages.success(request, _("Saved."))
                return redirect(_plan_edit_url(item))
    context = {
        "form": form,
        "item": item,
        "title": title,
        "cancel_url": cancel_url,
        "parent": parent,
        "conflict": conflict,
    }
    return TemplateResponse(request, "actionplan/plan_item_form.html", context, status=status)


def _data(request):
    # A mutable copy, so a conflict can move the form onto the saved version.
    return request.POST.copy() if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request, slug):
    committee = get_committee_for_editor(request, slug)
    form = GoalForm(_data(request), instance=Goal(plan=Plan.objects.current(), committee=committee))
    cancel = reverse("actionplan:committee_plan_edit", args=[committee.slug])
    return _item_form(request, form, title=_("Add a main goal"), cancel_url=cancel)


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, pk):
    goal = get_goal_for_editor(request, pk)
    form = GoalForm(_data(request), instance=goal)
    return _item_form(request, form, title=_("Edit main goal"), cancel_url=_plan_edit_url(goal))


@login_required
@require_http_methods(["GET", "POST"])
def subgoal_create(request, goal_pk):
    goal = get_goal_for_editor(request, goal_pk)
    form = SubGoalForm(_data(request), instance=SubGoal(goal=goal))
    cancel = _plan_edit_url(goal)
    return _item_form(request, form, title=_("Add a sub-goal"), cancel_url=cancel, parent=goal)


@login_required
@require_http_methods(["GET", "POST"])
def subgoal_edit(request, pk):
    subgoal = get_subgoal_for_editor(request, pk)
    form = SubGoalForm(_data(request), instance=subgoal)
    return _item_form(
        request,
        form,
        title=_("Edit sub-goal"),
        cancel_url=_plan_edit_url(subgoal),
        parent=subgoal.goal,
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request, goal_pk):
    goal = get_goal_for_editor(request, goal_pk)
    subgoal = request.GET.get("subgoal", "")
    initial = {"subgoal": int(subgoal)} if subgoal.isdigit() else {}
    form = MeasureForm(_data(request), instance=Measure(goal=goal), goal=goal, initial=initial)
    cancel = _plan_edit_url(goal)
    return _item_form(request, form, title=_("Add a measure"), cancel_url=cancel, parent=goal)


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk):
    measure = get_measure_for_editor(request, pk)
    form = MeasureForm(_data(request), instance=measure, goal=measure.goal)
    return _item_form(
        request,
        form,
        title=_("Edit measure"),
        cancel_url=_plan_edit_url(measure),
        parent=measure.goal,
    )


@login_required
@require_POST
def plan_item_move(request, kind, pk):
    """Move a goal, sub-goal or measure one place up or down among its siblings."""
    item = get_plan_item_for_editor(request, kind, pk)
    direction = request.POST.get("direction")
    try:
        moved = services.plan_item_move(item=item, direction=direction, by=request.user)
    except ValidationError as error:
        return _refused(request, " ".join(error.messages), 400, _plan_edit_url(item))
    if moved:
        messages.success(request, _("Moved up.") if direction == "up" else _("Moved down."))
    else:
        messages.info(request, _("Already first.") if direction == "up" else _("Already last."))
    return redirect(_plan_edit_url(item))


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_retire(request, kind, pk):
    """Retire: hide from the current plan, after a page that says what that does. Nothing is
    deleted; the secretariat can restore it."""
    item = get_plan_item_for_editor(request, kind, pk)
    return _retire_or_restore(request, item, retire=True)


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_restore(request, kind, pk):
    """Bring a retired goal, sub-goal or measure back into the current plan (secretariat)."""
    require(can_restore(request.user))
    item = get_plan_item_for_editor(request, kind, pk)
    return _retire_or_restore(request, item, retire=False)


def _retire_or_restore(request, item, *, retire: bool):
    """The confirmation page (GET) and the change with its optional reason (POST)."""
    back = _plan_edit_url(item)
    if item.retired == retire:
        return redirect(back)
    form = RetireForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.plan_item_retire(
            item=item, retired=retire, by=request.user, reason=form.cleaned_data["reason"]
        )
        if retire:
            messages.success(request, _("Retired. It no longer shows in the current plan."))
        else:
            messages.success(request, _("Restored to the current plan."))
        return redirect(back)
    context = {"item": item, "form": form, "retire": retire, "cancel_url": back}
    if retire:
        context["measures_hidden"] = _measures_hidden_with(item)
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "actionplan/plan_item_retire.html", context, status=status)


def _measures_hidden_with(item) -> int:
    """How many current measures retiring this goal or sub-goal hides with it (a measure: 1)."""
    if isinstance(item, Measure):
        return 1
    measures = Measure.objects.active()
    if isinstance(item, Goal):
        return measures.filter(goal=item).count()
    return measures.filter(subgoal=item).count()


@login_required
@require_POST
def measure_restore_version(request, pk):
    """Make an earlier version of a measure current again (secretariat); history is kept."""
    require(can_restore(request.user))
    measure = get_measure_for_editor(request, pk)
    form = RestoreVersionForm(request.POST)
    if not form.is_valid():
        message = _("The version to restore was not understood.")
        return _refused(request, message, 400, measure.get_absolute_url())
    try:
        services.measure_version_restore(
            measure=measure,
            history_id=form.cleaned_data["history_id"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        return _refused(request, " ".join(error.messages), 400, measure.get_absolute_url())
    except VersionConflict:
        message = _("The measure was changed meanwhile; look at its history and try again.")
        return _refused(request, message, 409, measure.get_absolute_url())
    messages.success(request, _("The earlier version is restored as a new version."))
    return redirect(measure.get_absolute_url())


def _refused(request, message, status, back_url):
    """A refused button press: say why, offer the way back, change nothing."""
    context = {"message": message, "back_url": back_url}
    return TemplateResponse(request, "actionplan/action_refused.html", context, status=status)
