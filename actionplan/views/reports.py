"""Pages of the annual report: ask for it, watch it render, download it, and the archive."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helsefellesskap.render_views import job_download, job_page, redirect_to_job

from .. import services
from ..models import Report
from ..report_forms import ReportRequestForm
from ..rights import get_report_for_user, has_reports, reports_visible_to, require

ARCHIVE_PAGE_SIZE = 25


@login_required
def report_archive(request):
    """Every report this user may see, newest first, with the form to ask for a new one."""
    require(has_reports(request.user))
    reports = reports_visible_to(request.user, Report.objects.for_archive())
    page = Paginator(reports, ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "actionplan/reports/archive.html",
        {"page": page, "form": ReportRequestForm(user=request.user)},
    )


@login_required
@require_POST
def report_new(request):
    """Ask for a report; returns at once to its page, which follows the render."""
    require(has_reports(request.user))
    form = ReportRequestForm(request.POST, user=request.user)
    if not form.is_valid():
        reports = reports_visible_to(request.user, Report.objects.for_archive())
        page = Paginator(reports, ARCHIVE_PAGE_SIZE).get_page(1)
        return render(
            request, "actionplan/reports/archive.html", {"page": page, "form": form}, status=400
        )
    try:
        report, created = services.report_request(
            plan=form.cleaned_data["plan"],
            year=form.cleaned_data["year"],
            committee=form.cleaned_data["committee"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("actionplan:reports")
    return redirect_to_job(
        request,
        report,
        created=created,
        already_message=_("This annual report is already being made; here it is."),
    )


@login_required
def report_detail(request, pk):
    """One report. htmx polls this page for the state partial while the report renders."""
    return job_page(
        request,
        template="actionplan/reports/detail.html",
        partial="actionplan/reports/_report_state.html",
        context={"report": get_report_for_user(request, pk)},
    )


@login_required
def report_download(request, pk):
    """The finished PDF; only a report that is done has a file to offer."""
    return job_download(get_report_for_user(request, pk))


@login_required
@require_POST
def report_retry(request, pk):
    """Queue a failed report again (or show the one already being made for its scope)."""
    report = get_report_for_user(request, pk)
    return redirect_to_job(request, services.report_retry(report=report, by=request.user))
