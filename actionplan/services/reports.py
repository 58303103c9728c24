"""Asking for the annual report (a render job) and retrying one that failed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from helsefellesskap.render_jobs import request_render, retry_render

from ..models import Report
from ..rights import can_request_report, require_report_access


def report_request(*, plan, year: int, committee=None, by) -> tuple[Report, bool]:
    """Ask for the annual report of a plan, year and scope; returns (report, created).

    If the same report is already queued or rendering, that one is returned and nothing new is
    rendered (see render_jobs.request_render).
    """
    if not can_request_report(by, committee):
        raise PermissionDenied
    plan.require_year(year)
    if committee is not None and not committee.goals.filter(plan=plan).exists():
        raise ValidationError(_("This committee has no goals in the plan."))
    return request_render(
        scope=Report.objects.for_scope(plan=plan, year=year, committee=committee),
        create=lambda: Report.objects.create(
            plan=plan, year=year, committee=committee, requested_by=by
        ),
    )


def report_retry(*, report: Report, by) -> Report:
    """Queue a failed (or stuck) report again; returns the report now in flight for its scope."""
    require_report_access(by, report)
    return retry_render(report)
