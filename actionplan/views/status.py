"""Setting a measure's yearly status in place (htmx) or on its own page (without JavaScript),
and the committee's "report the year" page that saves every measure in one submit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from helsefellesskap.redirects import safe_next

from .. import services
from ..forms import ReportReasonForm, StatusForm, add_model_errors, status_row_formset
from ..models import Measure, Plan
from ..partials import StatusCells, cell_id, status_form_context
from ..rights import get_committee_for_editor, get_measure_for_editor
from ..services import StatusesRefused, StatusRow, measure_status_set, measure_statuses_report
from ..versioning import VersionConflict, YearLocked


@require_GET
def status_cell(request, pk, year):
    """The status cell of one measure and year (what htmx swaps back on "Cancel")."""
    measure = get_object_or_404(
        Measure.objects.select_related("goal__plan", "goal__committee"), pk=pk
    )
    next_url = safe_next(request, measure.get_absolute_url())
    return _cell_response(request, measure, year, next_url=next_url)


def _cell_response(request, measure, year, *, next_url, saved=False) -> HttpResponse:
    """The htmx fragment of one status cell, in its element (the same as the page's)."""
    cells = StatusCells(request=request, plan=measure.goal.plan, next_url=next_url)
    return HttpResponse(cells.cell(measure, year, saved=saved, wrapped=True))


@login_required
@require_http_methods(["GET", "POST"])
def status_update(request, pk, year):
    """Set a measure's status for a year: the htmx fragment or a page of its own."""
    measure = get_measure_for_editor(request, pk)
    plan = measure.goal.plan
    if year not in plan.years:
        return HttpResponseBadRequest(plan.year_error())
    default_next = measure.get_absolute_url()
    next_url = safe_next(request, default_next)
    template = "actionplan/_status_form.html" if request.htmx else "actionplan/status_edit.html"

    if request.method == "GET":
        context = status_form_context(
            request=request, measure=measure, year=year, next_url=next_url
        )
        return render(request, template, context)

    # A mutable copy, so a conflict can move the form onto the saved version (see below).
    form = StatusForm(request.POST.copy(), auto_id=f"{cell_id(measure, year)}-%s")
    conflict, code = None, 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            measure_status_set(
                measure=measure,
                year=year,
                status=data["status"],
                note=data["note"],
                by=request.user,
                expected_version=data["version"],
                reason=data["reason"],
            )
        except ValidationError as error:
            add_model_errors(form, error)
        except YearLocked as error:
            form.add_error(None, str(error))
            code = 403
        except VersionConflict as error:
            conflict, code = error, 409
            _rebase(form, error)
        else:
            return _saved(request, measure, year, next_url)
    context = status_form_context(
        request=request, measure=measure, year=year, form=form, conflict=conflict, next_url=next_url
    )
    return render(request, template, context, status=code)


def _rebase(form, conflict) -> None:
    """Keep what the editor typed but base it on the saved version: a deliberate second save,
    made after reading what the other person changed, then goes through."""
    form.data[form.add_prefix("version")] = str(conflict.current_version)


def _saved(request, measure, year, next_url):
    measure = Measure.objects.select_related("goal__plan", "goal__committee").get(pk=measure.pk)
    if request.htmx:
        return _cell_response(request, measure, year, next_url=next_url, saved=True)
    messages.success(
        request,
        _("Status for %(year)s saved: %(status)s.")
        % {"year": year, "status": measure.status_for(year).get_status_display()},
    )
    return redirect(next_url)


@login_required
@require_http_methods(["GET", "POST"])
def report_year(request, slug, year):
    """Report one year for all of a committee's measures, saved together or not at all."""
    committee = get_committee_for_editor(request, slug)
    plan = Plan.objects.current()
    if plan is None:
        return HttpResponseBadRequest(_("No plan has been loaded yet."))
    if year not in plan.years:
        return HttpResponseBadRequest(plan.year_error())
    measures = list(
        Measure.objects.active()
        .in_plan(plan)
        .filter(goal__committee=committee)
        .select_related("goal", "subgoal")
        .prefetch_related("statuses")
        .in_plan_order()
    )
    refusal = services.year_locked_for(plan=plan, year=year, user=request.user)
    if refusal is not None:
        messages.error(request, str(refusal))
        return _render_report(request, committee, plan, year, measures, None, None, status=403)

    data = request.POST.copy() if request.method == "POST" else None
    formset = status_row_formset(measures=measures, year=year, data=data)
    reason_form = ReportReasonForm(data)
    if request.method == "GET":
        return _render_report(request, committee, plan, year, measures, formset, reason_form)

    code = 400
    if formset.is_valid() and reason_form.is_valid():
        reason = reason_form.cleaned_data["reason"]
        try:
            saved = _save_report(formset, year=year, by=request.user, reason=reason)
        except _ReportRefused as refused:
            code = refused.code
        else:
            messages.success(
                request,
                _("Saved %(count)s statuses for %(year)s.") % {"count": saved, "year": year}
                if saved
                else _("Nothing to save: no status was changed."),
            )
            return redirect("actionplan:report_year", slug=committee.slug, year=year)
    return _render_report(
        request, committee, plan, year, measures, formset, reason_form, status=code
    )


def _save_report(formset, *, year, by, reason) -> int:
    """Save the formset's rows through the service; a refusal shows on its row (StatusesRefused
    carries each one) with the status code of the worst."""
    rows = [
        StatusRow(
            measure=formset.measures[form.cleaned_data["measure"]],
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            version=form.cleaned_data["version"],
        )
        for form in formset.forms
    ]
    try:
        return measure_statuses_report(rows=rows, year=year, by=by, reason=reason)
    except StatusesRefused as refused:
        codes = []
        for index, error in refused.refusals.items():
            form = formset.forms[index]
            if isinstance(error, VersionConflict):
                form.conflict = error
                _rebase(form, error)
                form.add_error(None, _("Someone else saved this measure's status meanwhile."))
                codes.append(409)
            elif isinstance(error, ValidationError):
                add_model_errors(form, error)
                codes.append(400)
            else:  # YearLocked
                form.add_error(None, str(error))
                codes.append(403)
        raise _ReportRefused(max(codes)) from refused


class _ReportRefused(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _render_report(request, committee, plan, year, measures, formset, reason_form, status=200):
    page_errors = []
    if formset is not None and len(formset.forms) != len(measures):
        # A damaged or forged post (no management form, wrong row count): say so and show the
        # saved values again rather than pairing rows with the wrong measures.
        page_errors = list(formset.non_form_errors()) or [
            _("The form does not match the committee's measures; reload the page.")
        ]
        formset = status_row_formset(measures=measures, year=year)
    rows = []
    forms = formset.forms if formset is not None else [None] * len(measures)
    # Last year's status beside each measure: where it stood is where reporting starts.
    previous_year = year - 1 if year - 1 in plan.years else None
    for measure, form in zip(measures, forms, strict=True):
        rows.append(
            {
                "measure": measure,
                "form": form,
                "current": measure.status_for(year),
                "previous": measure.status_for(previous_year) if previous_year else None,
            }
        )
    missing = [row["measure"] for row in rows if not (row["current"] and row["current"].status)]
    context = {
        "committee": committee,
        "plan": plan,
        "year": year,
        "rows": rows,
        "formset": formset,
        "page_errors": page_errors,
        "reason_form": reason_form,
        "missing": missing,
        "locked": year in plan.locked_years,
        "years": plan.years,
        "previous_year": previous_year,
    }
    return TemplateResponse(request, "actionplan/report_year.html", context, status=status)
