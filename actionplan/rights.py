"""Who may do what with the plan: its committees, goals, measures, statuses and annual reports.

The one place these rights are decided; views, templates (through their context), forms,
querysets, services and the menu ask the functions here, one per question. The secretariat
(helsefellesskap/secretariat.py) may do everything; a committee's *editors* (its leader,
deputy and secretary when linked to a user account, plus users the secretariat appoints) may
edit that committee's plan content; everyone else reads. The loaders at the end give an
editing view its object with the right already checked on the object itself (not on the URL
or a hidden field), so the check is never forgotten.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from helsefellesskap.auth_backend import CommaList
from helsefellesskap.secretariat import is_secretariat

from .models import Committee, Goal, Measure, Plan, Report, SubGoal


def require(allowed: bool) -> None:
    """Raise PermissionDenied unless `allowed`: a view asks one of the questions here and is
    refused on no (`require(can_run_revision(request.user))`)."""
    if not allowed:
        raise PermissionDenied


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


def edits_any_committee(user) -> bool:
    """Does this user edit at least one committee (the secretariat every one)? Those who do have
    reports, guidelines and meetings to manage, and the editing sections of the menu."""
    return edits_every_committee(user) or bool(editable_committee_ids(user))


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


def can_set_statuses_in_year(user, plan, year) -> bool:
    """May this user set statuses of this year of the plan at all? Not in a locked year unless
    they may correct it. (services.year_locked_for raises the refusal from this.)"""
    return year not in plan.locked_years or can_correct_locked_year(user)


def can_edit_status(user, measure, plan, year) -> bool:
    """Offer this user the edit control of the measure's status for the year? (The save itself
    checks again on the server.)"""
    if not can_edit_committee_id(user, measure.goal.committee_id):
        return False
    return can_set_statuses_in_year(user, plan, year)


def can_see_history(user) -> bool:
    """May this user see a measure's timeline? It names the people who made each change, so
    only those signed in."""
    return user.is_authenticated


def can_restore(user) -> bool:
    """May this user bring back retired plan content or restore an earlier version?"""
    return is_secretariat(user)


def can_manage_committees(user) -> bool:
    """May this user appoint and remove committee editors, and link the committee's leader,
    deputy and secretary to their accounts?"""
    return is_secretariat(user)


def can_run_revision(user) -> bool:
    """May this user run the annual cycle: the revision board, opening, locking and unlocking a
    revision year, its deadline, and starting the next plan period?"""
    return is_secretariat(user)


def can_import_plan(user) -> bool:
    """May this user load the plan from its Word document (the preview and applying it)?"""
    return is_secretariat(user)


def can_see_styleguide(user) -> bool:
    """May this user see the styleguide page (every building block of the look)?"""
    return is_secretariat(user)


# --- Where log-in lands (actionplan:dashboard), and the menu entry that leads there.
def dashboard_committee_ids(user) -> tuple[int, ...]:
    """The committees on this user's own dashboard, sorted (its cache is keyed on them): those
    they edit as a role holder or appointed editor. Empty: no such page."""
    return tuple(sorted(editable_committee_ids(user)))


def has_dashboard(user) -> bool:
    """Does log-in land this user on a page of their own: the revision board for those who run
    the revision, else their committees' dashboard?"""
    return can_run_revision(user) or bool(dashboard_committee_ids(user))


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
    return edits_any_committee(user)


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


def get_committee_for_manager(request, slug) -> Committee:
    """A committee whose editors the user appoints (can_manage_committees)."""
    require(can_manage_committees(request.user))
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


def get_report_for_user(request, pk) -> Report:
    """A report this user may see, download or retry."""
    report = get_object_or_404(Report.objects.for_archive(), pk=pk)
    require_report_access(request.user, report)
    return report


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
