"""Workflows of the action plan that cross models and have side effects."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helsefellesskap.roles import can_edit_committee, is_secretariat

from .models import Report


def can_request_report(user, committee) -> bool:
    """The secretariat may ask for any report; a committee's editors for their committee's."""
    if committee is None:
        return is_secretariat(user)
    return can_edit_committee(user, committee)


def require_report_access(user, report: Report) -> None:
    """Raise PermissionDenied unless the user may see, download or retry this report."""
    if not can_request_report(user, report.committee):
        raise PermissionDenied


def report_request(*, plan, year: int, committee=None, by) -> tuple[Report, bool]:
    """Ask for the annual report of a plan, year and scope; returns (report, created).

    If the same report is already queued or rendering, that one is returned and nothing new is
    rendered. The database's partial unique constraint settles a race between two requests.
    """
    if not can_request_report(by, committee):
        raise PermissionDenied
    if year not in plan.years:
        raise ValidationError(_("The year must be one of the plan's years."))
    if committee is not None and not committee.goals.filter(plan=plan).exists():
        raise ValidationError(_("This committee has no goals in the plan."))
    scope = Report.objects.for_scope(plan=plan, year=year, committee=committee)
    with transaction.atomic():
        running = scope.in_flight().select_for_update().first()
        if running is not None and running.is_stuck():
            running.fail(str(_("The renderer stopped without finishing.")))
            running = None
        if running is not None:
            return running, False
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    plan=plan, year=year, committee=committee, requested_by=by
                )
        except IntegrityError:
            # Another request created it between our read and our insert.
            return scope.in_flight().get(), False
        report.enqueue()
    report.refresh_from_db()  # the enqueue may have marked it failed (queue unreachable)
    return report, True


def report_retry(*, report: Report, by) -> Report:
    """Queue a failed (or stuck) report again; returns the report now in flight for its scope."""
    require_report_access(by, report)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if not report.can_retry:
            return report
        running = (
            Report.objects.for_scope(plan=report.plan, year=report.year, committee=report.committee)
            .in_flight()
            .exclude(pk=report.pk)
            .first()
        )
        if running is not None and not running.is_stuck():
            return running
        if running is not None:
            running.fail(str(_("The renderer stopped without finishing.")))
        report.requeue(fresh=True)
        report.enqueue()
    report.refresh_from_db()
    return report
