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
    if is_secretariat(user):
        return True
    return committee is not None and committee.pk in editable_committee_ids(user)


def require_committee_editor(user, committee) -> None:
    """Raise PermissionDenied unless the user may edit the committee."""
    if not can_edit_committee(user, committee):
        raise PermissionDenied


def require_secretariat(user) -> None:
    """Raise PermissionDenied unless the user is in the secretariat."""
    if not is_secretariat(user):
        raise PermissionDenied


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
