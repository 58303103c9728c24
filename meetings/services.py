"""Every write of the meetings: meetings with their agendas and files, action points, series
and their changed dates, and the minutes as PDF.

Views parse input, call one of these functions and render. Each function checks the user's
right to what it is about to save and raises PermissionDenied (or the storage's error) before
anything is written.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from helsefellesskap.render_jobs import request_render, retry_render

from .models import ActionPoint, Attachment, Meeting, MeetingSeries, MinutesExport, SeriesException
from .rights import can_export_minutes, require_action_point_targets, require_meeting_organiser


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


# --- Meetings, their agendas and files.


def meeting_save(*, meeting: Meeting, agenda, by) -> Meeting:
    """Save a meeting and its agenda (a validated formset) together, or neither.

    The committee chosen decides who organises the meeting, so the right is checked on what is
    about to be saved: nobody moves a meeting into a committee they don't edit.
    """
    require_meeting_organiser(by, meeting)
    with transaction.atomic():
        meeting.save()
        agenda.instance = meeting
        agenda.save()
    return meeting


def attachment_add(*, attachment: Attachment, meeting: Meeting, by) -> Attachment:
    """Attach a validated file to a meeting. The file is stored first, then the row: a storage
    that fails (raising one of helsefellesskap.uploads.storage_errors) leaves neither."""
    require_meeting_organiser(by, meeting)
    attachment.meeting = meeting
    attachment.uploaded_by = by
    attachment.save()
    return attachment


def attachment_withdraw(*, attachment: Attachment, by) -> None:
    """Take a file off the meeting page. Withdrawn, not deleted: the file stays on record."""
    require_meeting_organiser(by, attachment.meeting)
    attachment.withdrawn = True
    attachment.save(update_fields=["withdrawn"])


def action_point_save(*, point: ActionPoint, meeting: Meeting, by) -> ActionPoint:
    """Save an action point of a meeting, if the user may follow up what it points at."""
    require_action_point_targets(by, point)
    point.meeting = meeting
    point.save()
    return point


# --- Series and their changed dates.


def series_save(*, series: MeetingSeries, by) -> MeetingSeries:
    """Save a meeting series, if the user organises meetings of its committee."""
    require_meeting_organiser(by, series)
    series.save()
    return series


def series_change_save(*, change: SeriesException, by) -> SeriesException:
    """Cancel or move one date of a series (a validated change)."""
    require_meeting_organiser(by, change.series)
    change.save()
    return change
