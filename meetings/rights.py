"""Who may do what with meetings, their series, minutes and action points. The one place these
rights are decided.

The secretariat organises every meeting; a committee's editors (actionplan/rights.py) organise
that committee's meetings and read its non-public ones. Everyone reads the public meetings.
The loaders at the end give a view its object with the right checked, as in the plan's
rights module.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from actionplan.models import Committee
from actionplan.rights import can_edit_committee, editable_committee_ids
from helsefellesskap.secretariat import is_secretariat

from .models import ActionPoint, Meeting, MeetingSeries, MinutesExport


def _organising_committee(meeting_or_committee):
    """The committee whose editors organise a meeting or series (or the committee itself)."""
    if meeting_or_committee is None or isinstance(meeting_or_committee, Committee):
        return meeting_or_committee
    if hasattr(meeting_or_committee, "organising_committee"):
        return meeting_or_committee.organising_committee
    return meeting_or_committee.committee


def can_organise_meeting(user, meeting_or_committee=None) -> bool:
    """May this user create or edit this meeting (or series, or a meeting for this committee)?

    With nothing given: may the user organise any meeting at all?
    """
    if is_secretariat(user):
        return True
    if meeting_or_committee is None:
        return bool(editable_committee_ids(user))
    return can_edit_committee(user, _organising_committee(meeting_or_committee))


def require_meeting_organiser(user, meeting_or_committee=None) -> None:
    """Raise PermissionDenied unless the user may organise the meeting."""
    if not can_organise_meeting(user, meeting_or_committee):
        raise PermissionDenied


def can_export_minutes(user, meeting) -> bool:
    """May this user have a meeting's minutes made into a PDF (and fetch it)?

    Any logged-in user for a public meeting; for a non-public one only those who organise it.
    """
    if not user.is_authenticated:
        return False
    return meeting.is_public or can_organise_meeting(user, meeting)


def private_meeting_committee_ids(user) -> tuple[int, ...] | None:
    """The committees whose non-public meetings this user may read, sorted; None: every
    committee's. All that decides which meetings a user sees, so pages cached per user kind
    key on it."""
    if is_secretariat(user):
        return None
    return tuple(sorted(editable_committee_ids(user)))


def meetings_visible_to(user, meetings=None):
    """The meetings (of `meetings`, else all) this user may read: the public ones, and the
    non-public ones of the committees they organise for. The pages, feeds, search and the API
    (as a visitor) all ask this, so what a visitor may not see on the web is never in the API."""
    meetings = Meeting.objects.all() if meetings is None else meetings
    committee_ids = private_meeting_committee_ids(user)
    if committee_ids is None:
        return meetings
    if not committee_ids:
        return meetings.filter(is_public=True)
    return meetings.filter(Q(is_public=True) | Q(committee__in=committee_ids))


def public_meetings(meetings=None):
    """The meetings (of `meetings`, else all) a visitor who is not signed in may read: what
    feeds, calendar files, digests and the API give whoever asks."""
    return meetings_visible_to(AnonymousUser(), meetings)


def action_points_visible_to(user, points=None):
    """The action points (of `points`, else all) of the meetings this user may read."""
    points = ActionPoint.objects.all() if points is None else points
    return points.filter(meeting__in=meetings_visible_to(user))


def require_action_point_targets(user, point) -> None:
    """An action point may name only committees (its own, its measure's) the user edits; the
    secretariat's may name any. Raise PermissionDenied otherwise."""
    if is_secretariat(user):
        return
    targets = {point.committee_id}
    if point.measure_id is not None:
        targets.add(point.measure.goal.committee_id)
    if not targets - {None} <= editable_committee_ids(user):
        raise PermissionDenied


def followable_series(user, series):
    """The meeting series this user may follow: every series page is public (what a digest
    tells of its meetings is only the public ones, see meetings/follows.py)."""
    return series


# --- Loaders: an object for a view, with the user's right to it checked.
def get_meeting_for_reader(request, pk, queryset=None) -> Meeting:
    """The meeting if this user may read it; 404 otherwise (non-public meetings stay hidden)."""
    return get_object_or_404(meetings_visible_to(request.user, queryset), pk=pk)


def get_meeting_for_organiser(request, pk) -> Meeting:
    """The meeting if this user organises it; PermissionDenied (403) otherwise."""
    meeting = get_object_or_404(Meeting.objects.select_related("committee", "series"), pk=pk)
    require_meeting_organiser(request.user, meeting)
    return meeting


def get_meeting_for_exporter(request, pk) -> Meeting:
    """The meeting if this user may export its minutes; 404 otherwise, as for readers."""
    meeting = get_object_or_404(Meeting.objects.select_related("committee", "series"), pk=pk)
    if not can_export_minutes(request.user, meeting):
        raise Http404
    return meeting


def get_minutes_export_for_user(request, pk) -> MinutesExport:
    """An export of a meeting's minutes, for those who may export that meeting's minutes."""
    export = get_object_or_404(
        MinutesExport.objects.select_related(
            "meeting__committee", "meeting__series", "requested_by"
        ),
        pk=pk,
    )
    if not can_export_minutes(request.user, export.meeting):
        raise Http404
    return export


def get_series_for_organiser(request, pk) -> MeetingSeries:
    series = get_object_or_404(MeetingSeries.objects.select_related("committee"), pk=pk)
    require_meeting_organiser(request.user, series)
    return series


def get_action_point_for_organiser(request, pk) -> ActionPoint:
    point = get_object_or_404(
        ActionPoint.objects.select_related("meeting__committee", "meeting__series"), pk=pk
    )
    require_meeting_organiser(request.user, point.meeting)
    return point
