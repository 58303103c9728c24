"""The annual revision: the secretariat's board and year controls, the editors' dashboard,
and the secretariat's page for appointing committee editors."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helsefellesskap.content_versions import cached_value

from .. import services
from ..caching import PLAN_CONTENT
from ..coverage import coverage
from ..forms import (
    AppointEditorForm,
    LinkPersonForm,
    OpenRevisionForm,
    UnlockYearForm,
    add_model_errors,
)
from ..models import Committee, Plan, RevisionYear
from ..people.roles import EDITOR
from ..people.services import PeopleRefused, role_add, role_remove
from ..progress import committee_progress
from ..rights import (
    can_run_revision,
    current_plan_or_404,
    dashboard_committee_ids,
    get_committee_for_manager,
    require,
)


def _revision_context(request) -> dict:
    """The plan, its revision years (read once) and the chosen year (?year=, else the open
    revision year)."""
    plan = current_plan_or_404()
    revisions = list(plan.revision_years.all())
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and int(year) in plan.years else None
    year = year or plan.default_year(revisions=revisions)
    return {
        "plan": plan,
        "year": year,
        "revisions": revisions,
        "revision": next((r for r in revisions if r.year == year), None),
    }


@login_required
def dashboard(request):
    """Where log-in lands: the secretariat's board, an editor's own committees, or home."""
    if can_run_revision(request.user):
        return redirect("actionplan:revision_board")
    ids = dashboard_committee_ids(request.user)
    if not ids:
        return redirect("home")
    context = _revision_context(request)
    plan, year = context["plan"], context["year"]
    # Read from every measure of the committees (most of the page's time): kept for the plan's
    # content version, which every status saved replaces.
    context["progress"] = cached_value(
        "committee-progress",
        plan.pk,
        year,
        *ids,
        compute=lambda: committee_progress(plan, year, Committee.objects.filter(pk__in=ids)),
        contents=(PLAN_CONTENT,),
        request=request,
    )
    return TemplateResponse(request, "actionplan/dashboard.html", context)


@login_required
def revision_board(request, form=None, status=200):
    """Every committee's reporting for the revision year, and the controls to open and lock."""
    require(can_run_revision(request.user))
    context = _revision_context(request)
    plan, year = context["plan"], context["year"]
    # The progress and coverage tables grow with the committees (240 at scale 20) and
    # change only with the plan's content: cached on its version (issue 9).
    parts = cached_value(
        "revision-board",
        plan.pk,
        year,
        compute=lambda: _board_tables(request, plan, year),
        contents=(PLAN_CONTENT,),
    )
    context["progress_html"] = mark_safe(parts["progress"])  # noqa: S308 - our own HTML
    context["coverage_html"] = mark_safe(parts["coverage"])  # noqa: S308 - our own HTML
    context["open_form"] = form or OpenRevisionForm(plan=plan, revisions=context["revisions"])
    return TemplateResponse(request, "actionplan/revision_board.html", context, status=status)


def _board_tables(request, plan, year) -> dict[str, str]:
    """The revision board's cached HTML: every committee's progress, and the coverage of
    the committees with goals in the plan (one read of the committees for both)."""
    committees = list(Committee.objects.marked_in_plan(plan))
    context = {"plan": plan, "year": year, "show_links": True}
    progress = committee_progress(plan, year, committees)
    return {
        "progress": render_to_string(
            "actionplan/_progress_table.html", {**context, "progress": progress}, request=request
        ),
        "coverage": render_to_string(
            "actionplan/_coverage.html",
            {
                "coverage": coverage(
                    plan=plan, year=year, committees=[c for c in committees if c.in_plan]
                )
            },
            request=request,
        ),
    }


@login_required
@require_POST
def revision_open(request):
    """Open the annual revision for a year."""
    require(can_run_revision(request.user))
    plan = current_plan_or_404()
    form = OpenRevisionForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            revision = plan.open_revision(
                form.cleaned_data["year"], by=request.user, deadline=form.cleaned_data["deadline"]
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request, _("The revision of %(year)s is open.") % {"year": revision.year}
            )
            return redirect(f"{_board_url()}?year={revision.year}")
    return revision_board(request, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def revision_lock(request, year):
    """SSU has adopted the revision: lock the year's statuses, after a page that says what
    locking does and how many measures still have no status."""
    require(can_run_revision(request.user))
    revision = get_object_or_404(RevisionYear, plan=Plan.objects.current(), year=year)
    board = f"{_board_url()}?year={year}"
    if revision.is_locked:
        messages.info(request, _("%(year)s is already locked.") % {"year": year})
        return redirect(board)
    if request.method == "POST":
        revision.lock(by=request.user)
        messages.success(
            request,
            _("%(year)s is locked. Its statuses are now read-only for editors.") % {"year": year},
        )
        return redirect(board)
    unreported = revision.unreported_measures().count()
    return TemplateResponse(
        request,
        "actionplan/revision_lock.html",
        {"revision": revision, "year": year, "unreported": unreported, "cancel_url": board},
    )


@login_required
@require_http_methods(["GET", "POST"])
def revision_unlock(request, year):
    """Open a locked year again, with a required reason that is kept in its history."""
    require(can_run_revision(request.user))
    revision = get_object_or_404(RevisionYear, plan=Plan.objects.current(), year=year)
    board = f"{_board_url()}?year={year}"
    if not revision.is_locked:
        messages.info(request, _("%(year)s is not locked.") % {"year": year})
        return redirect(board)
    form = UnlockYearForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            revision.unlock(by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request,
                _("%(year)s is unlocked: editors can report its statuses again.") % {"year": year},
            )
            return redirect(board)
    return TemplateResponse(
        request,
        "actionplan/revision_unlock.html",
        {"revision": revision, "year": year, "form": form, "cancel_url": board},
        status=400 if form.is_bound else 200,
    )


def _board_url():
    from django.urls import reverse

    return reverse("actionplan:revision_board")


@login_required
@require_http_methods(["GET", "POST"])
def committee_editors(request, slug):
    """The secretariat appoints and removes a committee's editors."""
    committee = get_committee_for_manager(request, slug)
    form = AppointEditorForm(request.POST or None, committee=committee)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user = form.cleaned_data["user"]
            try:
                role_add(user=user, role=EDITOR, committee=committee, by=request.user)
            except PeopleRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(
                    request,
                    _("%(name)s is now an editor.") % {"name": user.get_full_name() or user},
                )
            return redirect("actionplan:committee_editors", slug=committee.slug)
        status = 400
    context = {
        "committee": committee,
        "form": form,
        "editors": committee.editors.select_related("person").order_by("first_name", "username"),
        "leaders": [
            (role, label, person, LinkPersonForm(person=person, prefix=role))
            for role, label, person in _leaders(committee)
        ],
    }
    return TemplateResponse(request, "actionplan/committee_editors.html", context, status=status)


@login_required
@require_POST
def committee_editor_remove(request, slug, user_id):
    """Remove an appointed editor (a leader's or deputy's right follows their role instead)."""
    committee = get_committee_for_manager(request, slug)
    user = get_object_or_404(get_user_model(), pk=user_id)
    try:
        role_remove(user=user, role=EDITOR, committee=committee, by=request.user)
    except PeopleRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, _("%(name)s is no longer an editor.") % {"name": user.get_full_name() or user}
        )
    return redirect("actionplan:committee_editors", slug=committee.slug)


def _leaders(committee):
    """(role, label, person) of the committee's leader and deputy, where registered."""
    rows = [("leader", _("Leader"), committee.leader), ("deputy", _("Deputy"), committee.deputy)]
    return [row for row in rows if row[2] is not None]


@login_required
@require_POST
def committee_person_link(request, slug, role):
    """Link the leader's or deputy's person to a user account: that user becomes an editor."""
    committee = get_committee_for_manager(request, slug)
    person = {r: p for r, _label, p in _leaders(committee)}.get(role)
    if person is None:
        raise Http404
    form = LinkPersonForm(request.POST, person=person, prefix=role)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("user", [])))
        return redirect("actionplan:committee_editors", slug=committee.slug)
    services.person_link_user(person=person, user=form.cleaned_data["user"], by=request.user)
    messages.success(request, _("Saved the user account of %(name)s.") % {"name": person.name})
    return redirect("actionplan:committee_editors", slug=committee.slug)
