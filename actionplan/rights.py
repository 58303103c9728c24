"""Who may do what with the plan: its committees, goals, measures, statuses and annual reports.

The one place these rights are decided; views, templates, forms and the admin ask the functions
here. The secretariat (helsefellesskap/secretariat.py) may do everything; a committee's *editors*
(its leader, deputy and secretary when linked to a user account, plus users the secretariat
appoints) may edit that committee's plan content; everyone else reads. The loaders at the end
give an editing view its object with the right already checked on the object itself (not on
the URL or a hidden field), so the check is never forgotten.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from helsefellesskap.auth_backend import CommaList
from helsefellesskap.secretariat import is_secretariat, require_secretariat

from .models import Committee, Goal, Measure, Plan, Report, SubGoal


def _editors_of(user) -> Q:
    """The committees this user edits: as its leader, deputy or secretary, or appointed as an
    editor (the roles the secretariat gives on the people pages, people/roles.py)."""
    return Q(leader__user=user) | Q(deputy__user=user) | Q(secretary__user=user) | Q(editors=user)


def editable_committee_ids(user) -> set[int]:
    """Ids of the committees whose plan content this user may edit (cached per request user)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_editable_committee_ids", None)
    if cached is None:
        ids = Committee.objects.filter(_editors_of(user)).values_list("pk", flat=True)
        cached = set(ids)
        user._editable_committee_ids = cached
    return cached


def edits_every_committee(user) -> bool:
    """Does this user's right cover every committee, and what no committee owns? (The
    secretariat's.) Forms ask it whether a committee must be chosen."""
    return is_secretariat(user)


def limit_to_edited_committees(queryset, user, committee="committee"):
    """The rows of `queryset` this user may write under: those whose `committee` (a lookup path,
    "pk" for committees themselves) they edit; every row for the secretariat."""
    if edits_every_committee(user):
        return queryset
    return queryset.filter(**{f"{committee}__in": editable_committee_ids(user)})


def committees_edited_by(user):
    """The committees this user may edit, as a queryset (all of them for the secretariat)."""
    return limit_to_edited_committees(Committee.objects.all(), user, "pk")


def can_edit_committee(user, committee) -> bool:
    """May this user edit the given committee's goals, measures and statuses?"""
    return can_edit_committee_id(user, committee.pk if committee is not None else None)


def can_edit_committee_id(user, committee_id) -> bool:
    """can_edit_committee by id, for pages of many rows that have only the id at hand."""
    if is_secretariat(user):
        return True
    return committee_id is not None and committee_id in editable_committee_ids(user)


def require_committee_editor(user, committee) -> None:
    """Raise PermissionDenied unless the user may edit the committee."""
    if not can_edit_committee(user, committee):
        raise PermissionDenied


def can_correct_locked_year(user) -> bool:
    """May this user correct a status in a year whose revision SSU has adopted (with a reason)?"""
    return is_secretariat(user)


def sees_change_history(user) -> bool:
    """May this user see a measure's history? It names the people who made each change, so it
    is for people who log in, not for every visitor."""
    return user.is_authenticated


def can_restore(user) -> bool:
    """May this user bring back retired plan content or restore an earlier version?"""
    return is_secretariat(user)


def can_manage_committees(user) -> bool:
    """May this user appoint and remove committee editors and run the revision cycle?"""
    return is_secretariat(user)


# --- Annual reports.
def can_request_report(user, committee) -> bool:
    """The secretariat may ask for any report; a committee's editors for their committee's."""
    if committee is None:
        return is_secretariat(user)
    return can_edit_committee(user, committee)


def require_report_access(user, report: Report) -> None:
    """Raise PermissionDenied unless the user may see, download or retry this report."""
    if not can_request_report(user, report.committee):
        raise PermissionDenied


def reports_visible_to(user, reports=None):
    """The reports this user may see: the secretariat all, editors their committees' ones."""
    reports = Report.objects.all() if reports is None else reports
    return limit_to_edited_committees(reports, user)


def has_reports(user) -> bool:
    """Only the secretariat and committee editors have reports to see or ask for."""
    return is_secretariat(user) or bool(editable_committee_ids(user))


# --- Read with the user on every request (registered with helsefellesskap/auth_backend.py).
def annotate_editable_committees(users):
    """The users with `_editable_committee_csv`: the ids of the committees each one edits."""
    editable = (
        Committee.objects.filter(_editors_of(OuterRef("pk"))).order_by().values(ids=CommaList("pk"))
    )
    return users.annotate(_editable_committee_csv=Subquery(editable))


def attach_editable_committees(user) -> None:
    """Turn the annotation into the set editable_committee_ids() finds on the user."""
    csv = user._editable_committee_csv or ""
    user._editable_committee_ids = {int(pk) for pk in csv.split(",") if pk}


# --- Loaders: an object for a write, with the user's right to it checked.
def get_committee_for_editor(request, slug) -> Committee:
    committee = get_object_or_404(Committee, slug=slug)
    require_committee_editor(request.user, committee)
    return committee


def get_committee_for_secretariat(request, slug) -> Committee:
    require_secretariat(request.user)
    return get_object_or_404(Committee, slug=slug)


def get_goal_for_editor(request, pk) -> Goal:
    goal = get_object_or_404(Goal.objects.select_related("plan", "committee"), pk=pk)
    require_committee_editor(request.user, goal.committee)
    return goal


def get_subgoal_for_editor(request, pk) -> SubGoal:
    subgoal = get_object_or_404(
        SubGoal.objects.select_related("goal__plan", "goal__committee"), pk=pk
    )
    require_committee_editor(request.user, subgoal.goal.committee)
    return subgoal


def get_measure_for_editor(request, pk) -> Measure:
    measure = get_object_or_404(
        Measure.objects.select_related("goal__plan", "goal__committee", "subgoal"), pk=pk
    )
    require_committee_editor(request.user, measure.goal.committee)
    return measure


def get_plan_item_for_editor(request, kind, pk):
    """A goal, sub-goal or measure by its URL kind."""
    getters = {
        "goal": get_goal_for_editor,
        "subgoal": get_subgoal_for_editor,
        "measure": get_measure_for_editor,
    }
    if kind not in getters:
        raise Http404
    return getters[kind](request, pk)


def current_plan_or_404():
    """The current plan, or 404 on a portal where no plan has been loaded yet."""
    plan = Plan.objects.current()
    if plan is None:
        raise Http404(_("No plan has been loaded yet."))
    return plan


def followable_committees(user, committees):
    """The committees this user may follow (by e-mail digest): every committee is public."""
    return committees
