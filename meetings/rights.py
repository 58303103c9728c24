"""Who may do what with meetings, their series, minutes and action points. The one place these
rights are decided.

The secretariat organises every meeting; a committee's editors (actionplan/rights.py) organise
that committee's meetings and read its non-public ones. Everyone reads the public meetings.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from actionplan.models import Committee
from actionplan.rights import can_edit_committee, editable_committee_ids
from helsefellesskap.secretariat import is_secretariat


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


def meetings_visible_to(user, meetings):
    """The meetings this user may read: the public ones, and the non-public ones of the
    committees they organise for. The web pages and the API (as a visitor) both ask this, so
    what a visitor may not see on the web is never in the API."""
    committee_ids = private_meeting_committee_ids(user)
    if committee_ids is None:
        return meetings
    return meetings.filter(Q(is_public=True) | Q(committee__in=committee_ids))


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
