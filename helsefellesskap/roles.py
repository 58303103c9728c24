"""Who may do what. The one place where edit rights are decided.

Roles: the *secretariat* (a group) may edit everything; a committee's *editors* (its leader and
deputy when linked to a user account, plus users the secretariat appoints) may edit that
committee's plan content; everyone else reads.
"""

from django.core.exceptions import PermissionDenied

SECRETARIAT_GROUP = "secretariat"


def is_secretariat(user) -> bool:
    """True for members of the secretariat group (and superusers)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_secretariat", None)
    if cached is None:
        cached = user.groups.filter(name=SECRETARIAT_GROUP).exists()
        user._is_secretariat = cached
    return cached


def editable_committee_ids(user) -> set[int]:
    """Ids of the committees whose plan content this user may edit (cached per request user)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_editable_committee_ids", None)
    if cached is None:
        from actionplan.models import Committee

        cached = set(Committee.objects.editable_by(user).values_list("pk", flat=True))
        user._editable_committee_ids = cached
    return cached


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


def require_secretariat(user) -> None:
    """Raise PermissionDenied unless the user is in the secretariat."""
    if not is_secretariat(user):
        raise PermissionDenied


def can_correct_locked_year(user) -> bool:
    """May this user correct a status in a year whose revision SSU has adopted (with a reason)?"""
    return is_secretariat(user)


def can_restore(user) -> bool:
    """May this user bring back retired plan content or restore an earlier version?"""
    return is_secretariat(user)


def can_manage_committees(user) -> bool:
    """May this user appoint and remove committee editors and run the revision cycle?"""
    return is_secretariat(user)


def can_edit_guideline(user, guideline) -> bool:
    """May this user edit the guideline, publish versions and manage its attachments?

    The owning committee's editors and the secretariat may; a guideline with no owning
    committee is the secretariat's alone.
    """
    return can_edit_committee(user, guideline.committee)


def require_guideline_editor(user, guideline) -> None:
    """Raise PermissionDenied unless the user may edit the guideline."""
    if not can_edit_guideline(user, guideline):
        raise PermissionDenied


def can_create_guideline(user) -> bool:
    """The secretariat and editors of at least one committee may add guidelines."""
    return is_secretariat(user) or bool(editable_committee_ids(user))


def _organising_committee(meeting_or_committee):
    """The committee whose editors organise a meeting or series (or the committee itself)."""
    from actionplan.models import Committee

    if meeting_or_committee is None or isinstance(meeting_or_committee, Committee):
        return meeting_or_committee
    if hasattr(meeting_or_committee, "organising_committee"):
        return meeting_or_committee.organising_committee
    return meeting_or_committee.committee


def can_organise_meeting(user, meeting_or_committee=None) -> bool:
    """May this user create or edit this meeting (or series, or a meeting for this committee)?

    The secretariat organises every meeting; a committee's editors organise that committee's
    meetings. With nothing given: may the user organise any meeting at all?
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
