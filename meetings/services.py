"""Workflows of the meetings that cross models and have side effects."""

from django.core.exceptions import PermissionDenied

from helsefellesskap.render_jobs import request_render, retry_render

from .models import Meeting, MinutesExport
from .rights import can_export_minutes


def minutes_export_request(*, meeting: Meeting, by) -> tuple[MinutesExport, bool]:
    """Ask for a meeting's minutes as PDF; returns (export, created).

    While one export of the meeting is queued or rendering, that one is returned instead.
    """
    if not can_export_minutes(by, meeting):
        raise PermissionDenied
    return request_render(
        scope=MinutesExport.objects.for_meeting(meeting),
        create=lambda: MinutesExport.objects.create(meeting=meeting, requested_by=by),
    )


def minutes_export_retry(*, export: MinutesExport, by) -> MinutesExport:
    """Queue a failed (or stuck) export again; returns the export now in flight."""
    if not can_export_minutes(by, export.meeting):
        raise PermissionDenied
    return retry_render(export)
